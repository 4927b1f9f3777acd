// A React Router 7 app written the way its docs write one, for the route-view tests: titles set
// by each route in an effect, a <Navigate replace> redirect, links and navigate(). window.APP
// (from tests/pages/router_app.html) says which router: "react-browser" (<BrowserRouter>) or
// "react-data" (createBrowserRouter), and how the landing view is counted (see below).
// Analytics is set up as docs/spa.md's recipe says.
import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import {
  BrowserRouter, Link, Navigate, Outlet, Route, RouterProvider, Routes,
  createBrowserRouter, createRoutesFromElements, useNavigate, useParams,
} from 'react-router-dom';
import { AnalyticsBrowser } from 'analytics-web';

const { writeKey, apiHost, base, app, landing } = window.APP;
// The landing view: "initial" (initialPageview), "start" (the app's page() as it starts),
// "ready" (its page() once the router has rendered) or "snippet" (the snippet's page()).
if (landing !== 'snippet') {
  window.analytics = AnalyticsBrowser.load(
    { writeKey }, { apiHost, protocol: 'http', initialPageview: landing === 'initial' });
}
if (landing === 'start') window.analytics.page();

function Titled({ title }) {
  useEffect(() => { document.title = title; }, [title]);
  return <h1>{title}</h1>;
}

function User() {
  const { id } = useParams();
  return <Titled title={`User ${id}`} />;
}

function Layout() {
  const navigate = useNavigate();
  useEffect(() => { if (landing === 'ready') window.analytics.page(); }, []);
  window.navigateTo = (to) => navigate(to);  // what app code calls after a form, say
  return (
    <>
      <nav>
        <Link to="/">Home</Link> <Link to="/pricing">Pricing</Link>{' '}
        <Link to="/users/42">User 42</Link> <Link to="/old">Old pricing</Link>{' '}
        <Link to="/done">Done</Link>
      </nav>
      <main><Outlet /></main>
    </>
  );
}

const routes = (
  <Route element={<Layout />}>
    <Route index element={<Titled title="Home" />} />
    <Route path="pricing" element={<Titled title="Pricing" />} />
    <Route path="users/:id" element={<User />} />
    <Route path="old" element={<Navigate to="/pricing" replace />} />
    <Route path="done" element={<Titled title="Done" />} />
  </Route>
);

const root = createRoot(document.getElementById('root'));
if (app === 'react-data') {
  root.render(<RouterProvider router={createBrowserRouter(createRoutesFromElements(routes), { basename: base })} />);
} else {
  root.render(<BrowserRouter basename={base}><Routes>{routes}</Routes></BrowserRouter>);
}
