// The consent banner of the demo: the site's own code, as a real consent manager would be. Until
// the visitor answers, analytics-web keeps its calls in memory and stores nothing; the answer
// is remembered by analytics-web (localStorage aw_consent), so the banner shows only until then.
// The SPA's module sets window.analytics after this classic script: start once the page is parsed.
const startConsentBanner = () => {
  const banner = document.getElementById('consent-banner');
  if (!window.analytics || localStorage.getItem('aw_consent')) return;  // no analytics here, or answered
  banner.hidden = false;
  const decide = (choice) => {
    window.analytics.consent(choice);
    banner.hidden = true;
  };
  document.getElementById('consent-accept').addEventListener('click', () => decide(true));
  document.getElementById('consent-refuse').addEventListener('click', () => decide(false));
  document.getElementById('consent-choose').addEventListener('click', () => decide({
    analytics: document.getElementById('consent-analytics').checked,
    marketing: document.getElementById('consent-marketing').checked,
  }));
};
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startConsentBanner);
else startConsentBanner();
