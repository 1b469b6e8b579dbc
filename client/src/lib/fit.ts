// Fitting content to a fixed box, for a screen that must never scroll (the presenter screen on
// a projector): text takes the largest size that fits its box, and a block (a poll's chart) is
// zoomed to fit. Both measure again when the box is resized or its content changes.
import type { Action } from 'svelte/action';

interface Watch {
  update(): void;
  destroy(): void;
}

/** Re-runs `fit` (once per frame at most) when the node or its content changes. */
function watch(node: HTMLElement, fit: () => void): Watch {
  let frame = 0;
  const schedule = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      fit();
    });
  };
  const resized = new ResizeObserver(schedule);
  resized.observe(node);
  if (node.parentElement) resized.observe(node.parentElement);
  const changed = new MutationObserver(schedule);
  changed.observe(node, { childList: true, subtree: true, characterData: true });
  fit();
  return {
    update: schedule,
    destroy() {
      cancelAnimationFrame(frame);
      resized.disconnect();
      changed.disconnect();
    },
  };
}

/** Largest value in [lo, hi] (to `step`) for which `fits` holds; `lo` when none does. */
function largest(lo: number, hi: number, step: number, fits: (value: number) => boolean): number {
  let best = lo;
  while (hi - lo > step) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) {
      best = mid;
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return fits(hi) ? hi : best;
}

const overflows = (node: HTMLElement) => node.scrollHeight > node.clientHeight + 1 || node.scrollWidth > node.clientWidth + 1;

/**
 * The node (a box of fixed size, `overflow: hidden`) takes the largest font size, between `min`
 * and `max` times its parent's, at which its text fits.
 */
export const fitText: Action<HTMLElement, { min: number; max: number; key?: unknown }> = (node, params) => {
  let { min, max } = params;
  const w = watch(node, () => {
    const base = parseFloat(getComputedStyle(node.parentElement ?? node).fontSize) || 16;
    node.style.fontSize = `${largest(min * base, max * base, 0.5, (px) => {
      node.style.fontSize = `${px}px`;
      return !overflows(node);
    })}px`;
  });
  return {
    update(next) {
      ({ min, max } = next);
      w.update();
    },
    destroy: w.destroy,
  };
};

/**
 * The node's first child is zoomed (CSS `zoom`, between `min` and `max`) to the largest size at
 * which it fits the node, a box of fixed size.
 */
export const fitZoom: Action<HTMLElement, { min: number; max: number; key?: unknown }> = (node, params) => {
  let { min, max } = params;
  const w = watch(node, () => {
    const inner = node.firstElementChild as HTMLElement | null;
    if (!inner) return;
    inner.style.zoom = String(
      largest(min, max, 0.02, (zoom) => {
        inner.style.zoom = String(zoom);
        const box = node.getBoundingClientRect();
        const content = inner.getBoundingClientRect();
        return content.height <= box.height + 1 && content.width <= box.width + 1;
      }),
    );
  });
  return {
    update(next) {
      ({ min, max } = next);
      w.update();
    },
    destroy: w.destroy,
  };
};
