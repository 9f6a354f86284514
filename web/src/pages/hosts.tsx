// PLACEHOLDER: replaced by the real page.
export function Hosts() {
  return <div className="page"><h1>Hosts</h1></div>;
}
