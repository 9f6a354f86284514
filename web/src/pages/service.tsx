// PLACEHOLDER: replaced by the real page.
export function ServiceDetail({ name }: { name: string }) {
  return <div className="page"><h1>ServiceDetail</h1></div>;
}
