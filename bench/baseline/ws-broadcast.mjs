// Baseline for `fanout`: a bare `ws` server that broadcasts each POSTed frame to every
// socket, with no auth, storage or visibility work. Prints its URL on stdout.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const frame = Buffer.from(body);
    for (const ws of wss.clients) ws.send(frame, { binary: false });
    res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
const wss = new WebSocketServer({ server });
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${server.address().port}`);
});
