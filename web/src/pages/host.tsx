// PLACEHOLDER: replaced by the real page.
export function HostDetail({ id }: { id: string }) {
  return <div className="page"><h1>HostDetail</h1></div>;
}
