// PLACEHOLDER: replaced by the real page.
export function Alerts() {
  return <div className="page"><h1>Alerts</h1></div>;
}
