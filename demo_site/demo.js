// Shared by the classic pages: any element with data-track="Event Name" tracks that event on
// click, with its other data-* attributes as properties (data-plan="team" -> {plan: "team"}).
document.addEventListener('click', (click) => {
  const element = click.target.closest('[data-track]');
  if (!element) return;
  const {track, ...properties} = element.dataset;
  analytics.track(track, properties);
});

// Sign-up and account pages derive ids the way a real backend would hand them out.
function slug(text) {
  return String(text).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x';
}

// Wait for the calls a page makes before it navigates, but never longer than a moment: what
// is still queued when the page goes is sent by the library's exit flush anyway.
function settled(promises, ms = 1500) {
  return Promise.race([Promise.allSettled(promises), new Promise((done) => setTimeout(done, ms))]);
}
