/**
 * The web dashboard: its bundled page and the read-only routes only it needs (orchestration instances).
 * It reads every feature through the app's public HTTP API from the browser, so it imports none.
 */
export { bundledDashboard } from './dashboardAssets';
export { serveDashboardAsset } from './serveDashboardAsset';
export { getInstance, listInstances } from './instancesHttp';
