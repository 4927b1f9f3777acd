// The SPA section: the npm-style module instead of the snippet, and a History API router.
// analytics-web records each route change as a page view by itself; the app only calls page()
// once for the view it opened on.
import { AnalyticsBrowser } from '/dist/analytics.esm.js';

const writeKey = document.querySelector('meta[name="analytics-write-key"]').content;
const consent = JSON.parse(document.querySelector('meta[name="analytics-consent"]').content);
const analytics = AnalyticsBrowser.load({ writeKey, apiHost: '/v1', consent });
window.analytics = analytics; // so analytics.debug(true) works from the console here too

const routes = {
  '/app/': { title: 'Dashboard', text: 'Three projects deployed this week.' },
  '/app/reports': { title: 'Reports', text: 'Deployments per week, by workspace.',
                    action: ['Export report', 'Report Exported'] },
  '/app/settings': { title: 'Settings', text: 'Workspace name, members and billing.',
                     action: ['Save settings', 'Settings Saved'] },
};

function render() {
  const route = routes[location.pathname] || routes['/app/'];
  const view = document.getElementById('view');
  const heading = document.createElement('h1');
  heading.textContent = route.title;
  const text = document.createElement('p');
  text.textContent = route.text;
  view.replaceChildren(heading, text);
  if (route.action) {
    const [label, event] = route.action;
    const button = document.createElement('button');
    button.id = 'action';
    button.textContent = label;
    button.addEventListener('click', () => analytics.track(event, { screen: route.title }));
    view.append(button);
  }
  document.title = `${route.title} · Northwind Cloud`;
}

document.addEventListener('click', (click) => {
  const link = click.target.closest('a[data-route]');
  if (!link) return;
  click.preventDefault();
  if (link.href !== location.href) history.pushState({}, '', link.href);
  render();
});
addEventListener('popstate', render);

render();
analytics.page();
