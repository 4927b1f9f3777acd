// A Vue Router 4 app written the way its docs write one, for the route-view tests: titles from
// route meta in afterEach, a redirect route, router-links and router.push(). window.APP (from
// tests/pages/router_app.html) says which history: "vue-history" (createWebHistory) or
// "vue-hash" (createWebHashHistory), and how the landing view is counted (see below).
import { createApp, h } from 'vue';
import {
  RouterLink, RouterView, createRouter, createWebHashHistory, createWebHistory,
} from 'vue-router';
import { AnalyticsBrowser } from 'analytics-web';

const { writeKey, apiHost, base, app, landing } = window.APP;
// The landing view: "initial" (initialPageview), "start" (the app's page() as it starts),
// "ready" (its page() once router.isReady(), as many Vue apps do) or "snippet" (the
// snippet's page()).
if (landing !== 'snippet') {
  window.analytics = AnalyticsBrowser.load(
    { writeKey }, { apiHost, protocol: 'http', initialPageview: landing === 'initial' });
}
if (landing === 'start') window.analytics.page();

const titled = (title) => ({ render: () => h('h1', title) });
const router = createRouter({
  history: app === 'vue-hash' ? createWebHashHistory(base + '/') : createWebHistory(base),
  routes: [
    { path: '/', component: titled('Home'), meta: { title: () => 'Home' } },
    { path: '/about', component: titled('About'), meta: { title: () => 'About' } },
    { path: '/users/:id', component: titled('User'), meta: { title: (to) => `User ${to.params.id}` } },
    { path: '/legacy', redirect: '/about' },
    { path: '/done', component: titled('Done'), meta: { title: () => 'Done' } },
  ],
});
router.afterEach((to) => { document.title = to.meta.title(to); });
window.navigateTo = (to) => router.push(to);

const link = (to, text) => h(RouterLink, { to }, () => text);
createApp({
  render: () => [
    h('nav', [link('/', 'Home'), link('/about', 'About'), link('/users/42', 'User 42'),
      link('/legacy', 'Legacy about'), link('/done', 'Done')]),
    h('main', [h(RouterView)]),
  ],
}).use(router).mount('#root');
if (landing === 'ready') router.isReady().then(() => window.analytics.page());
