// Applied before the first paint so a dark-theme user never sees a white flash (CSP: no inline scripts).
try {
  var t = localStorage.getItem('wh-theme');
  if (t !== 'dark' && t !== 'light') t = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  document.documentElement.dataset.theme = t;
} catch (e) {}
