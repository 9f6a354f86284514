// PLACEHOLDER: replaced by the real page.
export function Settings({ tab }: { tab: string }) {
  return <div className="page"><h1>Settings</h1></div>;
}
