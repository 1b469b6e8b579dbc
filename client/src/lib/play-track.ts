/**
 * `use:playTrack={track}` on a muted `<video>`: shows the track, follows it when it changes,
 * and lets go of it when the element goes or the track becomes null. Muted video may always
 * autoplay; a rejected `play()` only means the element went away. (AudioSink plays sound
 * itself: browsers may refuse it until the page has had a click.)
 */
export function playTrack(video: HTMLVideoElement, track: MediaStreamTrack | null) {
  const show = (next: MediaStreamTrack | null) => {
    if (!next) {
      video.srcObject = null;
      return;
    }
    video.srcObject = new MediaStream([next]);
    video.play().catch(() => {});
  };
  show(track);
  return {
    update: show,
    destroy: () => {
      video.srcObject = null;
    },
  };
}
