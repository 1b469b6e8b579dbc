// What the automated accessibility tests measure inside the page: one self-contained function
// that page.evaluate() installs as `window.__a11y`, so every check reads the same DOM helpers.
// Each check returns readable findings ("button.small "Flag": 20×18 px …"); a test expects none.

export interface ProbeRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One Tab stop: what was focused and what was wrong with its focus indicator. */
export interface FocusStop {
  name: string;
  /** The same element as the stop before (a trap, unless it is a media element's own controls). */
  same: boolean;
  /** Reached before: the walk has gone round the page once. */
  again: boolean;
  /**
   * Inside a <video>/<audio> (the browser draws those controls and their focus), or a date or
   * month field (a Tab stop for each of its parts): the same element may take several Tabs.
   */
  native: boolean;
  problems: string[];
}

export interface Probe {
  describe(el: Element): string;
  /** Remembers every element's look, to compare with it later (focused, or in forced colours). */
  snapshot(key: string): void;
  horizontalOverflow(): string[];
  clippedContent(): string[];
  overlappingControls(): string[];
  textNotScaled(key: string, factor: number): string[];
  /** Puts focus back at the top of the page (nothing focused) and forgets the walk so far. */
  focusTop(): void;
  focusStop(forcedColors: boolean): FocusStop | null;
  /** The last element in the page that Tab should reach. */
  lastTabbable(): string | null;
  smallTargets(): string[];
  motion(): string[];
  forcedColorProblems(key: string): string[];
}

declare global {
  interface Window {
    __a11y?: Probe;
  }
}

/** Installed with `page.evaluate(installProbe)`; idempotent. */
export function installProbe(): void {
  if (window.__a11y) return;
  const snapshots = new Map<string, WeakMap<Element, Record<string, string>>>();
  const STYLE_KEYS = [
    'outlineStyle',
    'outlineWidth',
    'outlineColor',
    'boxShadow',
    'borderTopColor',
    'borderTopWidth',
    'borderBottomColor',
    'borderBottomWidth',
    'backgroundColor',
    'color',
    'textDecorationLine',
    'fontSize',
  ] as const;
  const INTERACTIVE =
    'a[href], button, input:not([type="hidden"]), select, textarea, summary, video[controls], audio[controls], [role="button"], [role="link"], [role="checkbox"], [role="radio"], [role="switch"], [role="tab"], [role="option"], [role="menuitem"], [tabindex]:not([tabindex="-1"])';

  const describe = (el: Element): string => {
    const h = el as HTMLElement;
    const id = h.id ? `#${h.id}` : '';
    const cls = typeof h.className === 'string' && h.className.trim() ? `.${h.className.trim().split(/\s+/).filter((c) => !c.startsWith('s-')).join('.')}` : '';
    const testid = h.dataset?.testid ? `[${h.dataset.testid}]` : '';
    const label = (h.getAttribute('aria-label') ?? h.innerText ?? (h as HTMLInputElement).value ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${id}${cls}${testid}${label ? ` "${label}"` : ''}`;
  };

  const style = (el: Element, pseudo?: string) => getComputedStyle(el, pseudo);
  const rectOf = (el: Element): ProbeRect => {
    const r = el.getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: r.height };
  };

  /** Hidden from sight: not rendered, invisible, or clipped to a pixel like `.sr-only`. */
  const hidden = (el: Element): boolean => {
    const h = el as HTMLElement;
    if (!h.isConnected || !(el.getClientRects().length > 0)) return true;
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true, contentVisibilityAuto: true })) return true;
    for (let a: Element | null = el; a; a = a.parentElement) {
      const s = style(a);
      if (s.clipPath.startsWith('inset(50%') || s.clip === 'rect(0px, 0px, 0px, 0px)') return true;
      if (a.hasAttribute('inert')) return true;
    }
    const r = rectOf(el);
    return r.width <= 1 && r.height <= 1;
  };

  const interactive = (): Element[] => [...document.querySelectorAll(INTERACTIVE)];

  /** A link or link-styled button inside running text: WCAG's inline exception (2.5.8) and not a "control" for overlap. */
  const inlineInText = (el: Element): boolean => {
    if (style(el).display !== 'inline') return false;
    const parent = el.parentElement;
    if (!parent) return false;
    return [...parent.childNodes].some((n) => n !== el && n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim().length > 0);
  };

  /** Inside an element that scrolls sideways on its own (a wide table's wrapper, say): allowed by 1.4.10. */
  const inSidewaysScroller = (el: Element): boolean => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = style(a).overflowX;
      if ((o === 'auto' || o === 'scroll') && a.scrollWidth > a.clientWidth) return true;
    }
    return false;
  };

  const snapshot = (key: string) => {
    const map = new WeakMap<Element, Record<string, string>>();
    for (const el of document.querySelectorAll('body *')) {
      const s = style(el);
      const entry: Record<string, string> = {};
      for (const k of STYLE_KEYS) entry[k] = s[k];
      map.set(el, entry);
    }
    snapshots.set(key, map);
  };

  const horizontalOverflow = (): string[] => {
    const doc = document.documentElement;
    const found: string[] = [];
    if (doc.scrollWidth > doc.clientWidth) found.push(`the page scrolls sideways: ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window`);
    const width = doc.clientWidth;
    for (const el of document.querySelectorAll('body *')) {
      if (hidden(el) || inSidewaysScroller(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 || r.left < -1) {
        // Report the outermost offender only, not each of its children.
        const parent = el.parentElement;
        const pr = parent?.getBoundingClientRect();
        if (pr && (pr.right > width + 1 || pr.left < -1) && !hidden(parent!)) continue;
        found.push(`${describe(el)} reaches ${Math.round(r.left)}…${Math.round(r.right)} px in a ${width} px window`);
      }
    }
    return found;
  };

  /** Content cut off by its own box: overflow hidden/clip with more inside than shows. */
  const clippedContent = (): string[] => {
    const found: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      if (hidden(el) || el instanceof HTMLVideoElement || el instanceof HTMLCanvasElement || el instanceof SVGElement) continue;
      // A field scrolls its own text; that is how fields work, not content lost.
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) continue;
      const s = style(el);
      const clipsX = s.overflowX === 'hidden' || s.overflowX === 'clip';
      const clipsY = s.overflowY === 'hidden' || s.overflowY === 'clip';
      const h = el as HTMLElement;
      if (clipsX && h.scrollWidth > h.clientWidth + 1) found.push(`${describe(el)} cuts off its content sideways (${h.scrollWidth} in ${h.clientWidth} px)`);
      else if (clipsY && h.scrollHeight > h.clientHeight + 1) found.push(`${describe(el)} cuts off its content below (${h.scrollHeight} in ${h.clientHeight} px)`);
      else if (s.textOverflow === 'ellipsis' && h.scrollWidth > h.clientWidth + 1) found.push(`${describe(el)} shortens its text with an ellipsis`);
    }
    return found;
  };

  const intersects = (a: DOMRect, b: DOMRect, slack = 1) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > slack && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > slack;

  const overlappingControls = (): string[] => {
    const controls = interactive().filter((el) => !hidden(el) && !inlineInText(el));
    const found: string[] = [];
    for (const el of controls) {
      const h = el as HTMLElement;
      const tag = el.tagName;
      const boxed = tag === 'BUTTON' || tag === 'SUMMARY' || tag === 'SELECT' || h.classList.contains('button');
      if (boxed && (h.scrollWidth > h.clientWidth + 1 || h.scrollHeight > h.clientHeight + 1)) {
        found.push(`${describe(el)}: its text overflows it (${h.scrollWidth}×${h.scrollHeight} in ${h.clientWidth}×${h.clientHeight} px)`);
      }
    }
    const rects = controls.map((el) => [el, el.getBoundingClientRect()] as const);
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const [a, ra] = rects[i]!;
        const [b, rb] = rects[j]!;
        if (a.contains(b) || b.contains(a)) continue;
        // A control inside another's label is part of that control's target.
        const labelled = (x: Element, y: Element) => [...((y as HTMLInputElement).labels ?? [])].some((l) => l.contains(x));
        if (labelled(a, b) || labelled(b, a)) continue;
        if (intersects(ra, rb)) found.push(`${describe(a)} overlaps ${describe(b)}`);
      }
    }
    return found;
  };

  const textNotScaled = (key: string, factor: number): string[] => {
    const before = snapshots.get(key);
    if (!before) throw new Error(`no snapshot ${key}`);
    const found: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim());
      if (!own || hidden(el)) continue;
      const was = parseFloat(before.get(el)?.fontSize ?? '0');
      const now = parseFloat(style(el).fontSize);
      if (was > 0 && now < was * factor * 0.95) found.push(`${describe(el)}: text grew from ${was} to ${now} px only`);
    }
    return found;
  };

  /** Where the focused element can be seen: sample points not covered by anything else. */
  const uncovered = (el: Element): { visiblePoints: number; points: number } => {
    const r = el.getBoundingClientRect();
    const vw = document.documentElement.clientWidth;
    const vh = window.innerHeight;
    const xs = [r.left + 2, r.left + r.width / 2, r.right - 2];
    const ys = [r.top + 2, r.top + r.height / 2, r.bottom - 2];
    let points = 0;
    let visiblePoints = 0;
    const labels = (el as HTMLInputElement).labels ? [...((el as HTMLInputElement).labels ?? [])] : [];
    for (const x of xs) {
      for (const y of ys) {
        if (x < 0 || y < 0 || x >= vw || y >= vh) continue;
        points++;
        const hit = document.elementFromPoint(x, y);
        if (hit && (hit === el || el.contains(hit) || labels.some((l) => l === hit || l.contains(hit)))) visiblePoints++;
      }
    }
    return { visiblePoints, points };
  };

  /** The element whose look shows focus: itself, or for a visually hidden input its label or wrapper. */
  const indicatorCandidates = (el: Element): Element[] => {
    const list: Element[] = [el];
    const labels = (el as HTMLInputElement).labels;
    if (labels) list.push(...labels);
    let a = el.parentElement;
    for (let i = 0; i < 3 && a; i++, a = a.parentElement) list.push(a);
    return list;
  };

  const differs = (was: Record<string, string> | undefined, now: CSSStyleDeclaration, forcedColors: boolean): string | null => {
    const outline = now.outlineStyle !== 'none' && parseFloat(now.outlineWidth) >= 1 && now.outlineColor !== 'rgba(0, 0, 0, 0)';
    if (outline && (!was || was.outlineStyle === 'none' || was.outlineWidth !== now.outlineWidth || was.outlineColor !== now.outlineColor)) return 'outline';
    // Forced colours paint no box-shadow and no author background, so only outline and border count there.
    if (!forcedColors && was && now.boxShadow !== 'none' && now.boxShadow !== was.boxShadow) return 'box-shadow';
    if (was && (now.borderTopColor !== was.borderTopColor || now.borderTopWidth !== was.borderTopWidth || now.borderBottomWidth !== was.borderBottomWidth)) return 'border';
    if (!forcedColors && was && now.backgroundColor !== was.backgroundColor) return 'background';
    return null;
  };

  let lastFocused: Element | null = null;
  let visited = new WeakSet<Element>();
  const focusStop = (forcedColors: boolean): FocusStop | null => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const before = snapshots.get('unfocused');
    const media = el instanceof HTMLMediaElement;
    // Chromium gives each part of a date or month field (month, year…) a Tab stop of its own.
    const parts = el instanceof HTMLInputElement && ['date', 'month', 'week', 'time', 'datetime-local'].includes(el.type);
    const native = media || parts;
    const problems: string[] = [];
    if (!media) {
      const shown = indicatorCandidates(el).filter((c) => !hidden(c));
      const indicator = shown.map((c) => differs(before?.get(c), style(c), forcedColors)).find((d) => d);
      if (!indicator) problems.push('no visible focus indicator');
      const target = shown[0];
      if (!target) problems.push('focused while hidden from sight');
      else {
        const { visiblePoints, points } = uncovered(target);
        if (points === 0) problems.push('focused outside the window');
        else if (visiblePoints === 0) {
          const r = target.getBoundingClientRect();
          const cover = document.elementFromPoint(r.left + r.width / 2, Math.min(window.innerHeight - 1, Math.max(0, r.top + r.height / 2)));
          problems.push(`entirely hidden under ${cover ? describe(cover) : 'something'}`);
        }
      }
    }
    const same = el === lastFocused;
    const again = !same && visited.has(el);
    lastFocused = el;
    visited.add(el);
    return { name: describe(el), same, again, native, problems };
  };

  /** WCAG 2.5.8: 24×24 CSS px, or the spacing exception (24 px circles that touch nothing else). */
  const smallTargets = (): string[] => {
    const targets = interactive()
      .filter((el) => !(el as HTMLElement).matches(':disabled'))
      .map((el) => {
        // A visually hidden input is operated through its label.
        if (hidden(el)) {
          const labels = [...((el as HTMLInputElement).labels ?? [])].filter((l) => !hidden(l));
          return labels[0] ? { el, r: labels[0].getBoundingClientRect() } : null;
        }
        return { el, r: el.getBoundingClientRect() };
      })
      .filter((t): t is { el: Element; r: DOMRect } => t !== null && !inlineInText(t.el));
    const small = (r: DOMRect) => r.width < 23.99 || r.height < 23.99;
    const centre = (r: DOMRect) => ({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
    const distanceToRect = (p: { x: number; y: number }, r: DOMRect) => Math.hypot(Math.max(r.left - p.x, 0, p.x - r.right), Math.max(r.top - p.y, 0, p.y - r.bottom));
    const related = (a: Element, b: Element) => a.contains(b) || b.contains(a) || [...((a as HTMLInputElement).labels ?? [])].some((l) => l.contains(b));
    const found: string[] = [];
    for (const t of targets) {
      if (!small(t.r)) continue;
      const c = centre(t.r);
      const crowded = targets.find((u) => {
        if (u === t || related(t.el, u.el) || related(u.el, t.el)) return false;
        if (distanceToRect(c, u.r) < 12) return true;
        return small(u.r) && Math.hypot(centre(u.r).x - c.x, centre(u.r).y - c.y) < 24;
      });
      if (crowded) found.push(`${describe(t.el)} is ${Math.round(t.r.width)}×${Math.round(t.r.height)} px and within 12 px of ${describe(crowded.el)}`);
    }
    return found;
  };

  const seconds = (list: string) => list.split(',').map((v) => (v.trim().endsWith('ms') ? parseFloat(v) / 1000 : parseFloat(v)));
  const motion = (): string[] => {
    const found: string[] = [];
    for (const el of document.querySelectorAll('*')) {
      for (const pseudo of [undefined, '::before', '::after']) {
        const s = style(el, pseudo);
        const name = `${describe(el)}${pseudo ?? ''}`;
        if (s.animationName !== 'none') {
          if (Math.max(...seconds(s.animationDuration)) > 0.01) found.push(`${name} animates for ${s.animationDuration}`);
          if (s.animationIterationCount.split(',').some((n) => n.trim() === 'infinite')) found.push(`${name} animates without end`);
        }
        if (Math.max(...seconds(s.transitionDuration)) > 0.01) found.push(`${name} has a ${s.transitionDuration} transition`);
      }
    }
    for (const a of document.getAnimations()) {
      const timing = a.effect?.getComputedTiming();
      const duration = typeof timing?.duration === 'number' ? timing.duration : 0;
      if (a.playState === 'running' && (duration > 10 || timing?.iterations === Infinity)) {
        const target = (a.effect as KeyframeEffect | null)?.target;
        found.push(`a running animation (${duration} ms × ${timing?.iterations}) on ${target ? describe(target) : 'the page'}`);
      }
    }
    return found;
  };

  const transparent = (c: string) => c === 'rgba(0, 0, 0, 0)' || c === 'transparent';
  /** The colour behind an element: the first ancestor that paints a background. */
  const backdrop = (el: Element, read: (e: Element) => string): string => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const c = read(a);
      if (!transparent(c)) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const hasBorder = (s: CSSStyleDeclaration) =>
    (['Top', 'Right', 'Bottom', 'Left'] as const).some((side) => s[`border${side}Style`] !== 'none' && parseFloat(s[`border${side}Width`]) >= 1);

  /** Run in forced colours after `snapshot(key)` in ordinary colours. */
  const forcedColorProblems = (key: string): string[] => {
    const before = snapshots.get(key);
    if (!before) throw new Error(`no snapshot ${key}`);
    const found: string[] = [];
    for (const el of interactive()) {
      if (hidden(el) || inlineInText(el)) continue;
      const tag = el.tagName;
      const type = (el as HTMLInputElement).type;
      const s = style(el);
      // Links read as links by their underline; checkboxes and radios are drawn by the browser.
      if (tag === 'A' && !(el as HTMLElement).classList.contains('button')) continue;
      if (tag === 'INPUT' && (type === 'checkbox' || type === 'radio' || type === 'range' || type === 'color' || type === 'file')) continue;
      if (tag === 'SUMMARY' || el instanceof HTMLMediaElement) continue;
      if (!hasBorder(s) && !s.textDecorationLine.includes('underline')) found.push(`${describe(el)} has no visible edge`);
    }
    // Browsers leave SVG colours alone in forced colours: a shape must take the text colour or a
    // system colour (Canvas, CanvasText, Highlight…), the palette the reader chose.
    const palette = new Set(
      ['Canvas', 'CanvasText', 'LinkText', 'VisitedText', 'ActiveText', 'ButtonFace', 'ButtonText', 'ButtonBorder', 'Field', 'FieldText', 'Highlight', 'HighlightText', 'SelectedItem', 'SelectedItemText', 'Mark', 'MarkText', 'GrayText', 'AccentColor', 'AccentColorText'].map((name) => {
        const probeEl = document.createElement('span');
        probeEl.style.color = name;
        document.body.append(probeEl);
        const value = style(probeEl).color;
        probeEl.remove();
        return value;
      }),
    );
    for (const svg of document.querySelectorAll('svg')) {
      if (hidden(svg)) continue;
      const colour = style(svg).color;
      for (const shape of svg.querySelectorAll('path, circle, rect, line, polyline, polygon, ellipse, text')) {
        const s = style(shape);
        for (const [prop, value] of [['fill', s.fill], ['stroke', s.stroke]] as const) {
          if (value === 'none' || value === colour || transparent(value) || palette.has(value)) continue;
          found.push(`${describe(svg)}: a ${shape.tagName} keeps its own ${prop} ${value} instead of the text colour`);
          break;
        }
      }
    }
    // A pressed toggle or the current page/item must stand out from its peers by something
    // forced colours keep: the reader's highlight colours, a border, an underline.
    for (const el of document.querySelectorAll('[aria-pressed="true"], [aria-current]:not([aria-current="false"])')) {
      if (hidden(el)) continue;
      const s = style(el);
      if (s.forcedColorAdjust === 'none' && palette.has(s.backgroundColor)) continue;
      const peer = [...(el.parentElement?.parentElement ?? el.parentElement ?? document.body).querySelectorAll(el.tagName)].find(
        (p) => p !== el && p.getAttribute('aria-pressed') !== 'true' && !p.hasAttribute('aria-current') && p.className === el.className,
      );
      const ps = peer ? style(peer) : null;
      if (ps && (ps.borderTopWidth !== s.borderTopWidth || ps.borderLeftWidth !== s.borderLeftWidth || ps.textDecorationLine !== s.textDecorationLine)) continue;
      found.push(`${describe(el)} is pressed or current only by its colours, which forced colours paint over`);
    }
    // Something with no text that showed only as a coloured background (a bar, a dot) vanishes
    // when forced colours paint every background the reader's one Canvas colour, unless it keeps
    // its own colours (`forced-color-adjust: none`) and takes a system colour for them.
    for (const el of document.querySelectorAll('body *')) {
      if (hidden(el) || (el as HTMLElement).innerText?.trim() || el.querySelector('svg, img, video, canvas, input, select, textarea, button')) continue;
      if (el instanceof SVGElement || el instanceof HTMLMediaElement || el instanceof HTMLImageElement || el instanceof HTMLCanvasElement) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 3 || r.height < 3) continue;
      const was = before.get(el);
      if (!was?.backgroundColor || transparent(was.backgroundColor)) continue;
      const wasBehind = backdrop(el, (a) => before.get(a)?.backgroundColor ?? 'rgba(0, 0, 0, 0)');
      if (was.backgroundColor === wasBehind) continue;
      const s = style(el);
      if (hasBorder(s) || s.backgroundImage !== 'none') continue;
      if (s.forcedColorAdjust === 'none' && palette.has(s.backgroundColor)) continue;
      found.push(`${describe(el)} shows only as a ${was.backgroundColor} background, which forced colours paint over`);
    }
    return found;
  };

  window.__a11y = {
    describe,
    snapshot,
    horizontalOverflow,
    clippedContent,
    overlappingControls,
    textNotScaled,
    focusTop() {
      (document.activeElement as HTMLElement | null)?.blur();
      // Focusing the body moves the sequential navigation starting point to the top of the page.
      document.body.tabIndex = -1;
      document.body.focus({ preventScroll: true });
      document.body.removeAttribute('tabindex');
      window.scrollTo(0, 0);
      lastFocused = null;
      visited = new WeakSet();
    },
    focusStop,
    lastTabbable() {
      const all = interactive().filter((el) => (el as HTMLElement).tabIndex >= 0 && !(el as HTMLElement).matches(':disabled') && !hidden(el));
      const last = all.at(-1);
      return last ? describe(last) : null;
    },
    smallTargets,
    motion,
    forcedColorProblems,
  };
}
