/** Mounts the viewer. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { watchTokenInLocation } from './data.ts';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('the page has no #root element');
watchTokenInLocation();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
