/** Dark and light themes: the user's choice, else the system's (public/theme.js applies it before first paint). */
import { useState } from 'react';

export type Theme = 'dark' | 'light';

export function useTheme(): [Theme, () => void] {
  const [theme, setTheme] = useState<Theme>(() => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light'));
  const toggle = () => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem('wh-theme', next);
    } catch {
      /* private mode: the choice lasts this page only */
    }
    setTheme(next);
  };
  return [theme, toggle];
}
