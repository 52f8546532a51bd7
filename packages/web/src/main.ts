import { mount } from 'svelte';
import App from './App.svelte';
import { loadMarkdownSettings } from './lib/markdown.ts';
import './theme.css';

// The settings decide how messages render, so they are read before the first one is.
void loadMarkdownSettings().then(() =>
  mount(App, { target: document.getElementById('app') as HTMLElement }),
);
