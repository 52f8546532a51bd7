/**
 * Browser notifications and the unread count in the tab: the per-user toggle is kept in
 * localStorage (it is a property of this browser, like the permission it needs).
 */
const key = (userId: string) => `clickclack:notify:${userId}`;

export const notificationsSupported = () => typeof Notification !== 'undefined';

export function notificationsEnabled(userId: string): boolean {
  return (
    notificationsSupported() &&
    Notification.permission === 'granted' &&
    localStorage.getItem(key(userId)) === 'on'
  );
}

/** Turns them on (asking the browser first) or off; returns the new state. */
export async function setNotifications(userId: string, on: boolean): Promise<boolean> {
  if (!on || !notificationsSupported()) {
    localStorage.setItem(key(userId), 'off');
    return false;
  }
  const permission =
    Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  localStorage.setItem(key(userId), permission === 'granted' ? 'on' : 'off');
  return permission === 'granted';
}

/** Shows one while the tab is hidden; a click brings the tab back and opens `onClick`. */
export function notify(
  userId: string,
  title: string,
  body: string,
  tag: string,
  onClick?: () => void,
): void {
  if (!document.hidden || !notificationsEnabled(userId)) return;
  const n = new Notification(title, { body: body.slice(0, 200), tag });
  n.onclick = () => {
    window.focus();
    onClick?.();
    n.close();
  };
}

let baseIcon: string | undefined;
/** The tab's favicon with the unread count drawn on it (the plain icon at zero). */
export function setFaviconCount(count: number): void {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.append(link);
  }
  baseIcon ??= link.href || '';
  if (!count) {
    if (baseIcon) link.href = baseIcon;
    else link.removeAttribute('href');
    link.dataset.count = '0';
    return;
  }
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 32;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.fillStyle = '#c4572e';
  g.beginPath();
  g.arc(16, 16, 16, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#fff';
  g.font = 'bold 18px sans-serif';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText(count > 99 ? '99+' : String(count), 16, 17);
  link.href = canvas.toDataURL('image/png');
  link.dataset.count = String(count);
}
