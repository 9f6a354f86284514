// PLACEHOLDER: replaced by the real page.
export function Logs() {
  return <div className="page"><h1>Logs</h1></div>;
}
