// A local HTTP file server for download tests: it serves one file with
// Range support, can cut the connection part-way through a response (a
// dropped network), and can trickle bytes slowly enough that a test can
// pause the download while it runs.
import { createServer } from 'node:http'

/**
 * serveFile serves body at http://127.0.0.1:PORT/<name>.
 * @param {Buffer} body
 * @param {{ name: string, cutAfter?: number, cuts?: number, bytesPerSecond?: number, stallAt?: number }} opts
 *   cutAfter: destroy the socket after sending this many bytes of a response,
 *   for the first `cuts` responses (default 1); bytesPerSecond: throttle;
 *   stallAt: the first response sends this many bytes and then nothing more
 *   until the client goes away, so a test can pause it part-way whatever
 *   the machine's speed.
 * @returns {Promise<{ url: string, requests: {range: string|undefined, sent: number, closed: Promise<void>}[], close: () => Promise<void> }>}
 */
export async function serveFile(body, opts) {
  const requests = []
  let cutsLeft = opts.cutAfter === undefined ? 0 : (opts.cuts ?? 1)
  const sockets = new Set()
  const server = createServer((req, res) => {
    if (req.url !== `/${opts.name}`) {
      res.writeHead(404).end()
      return
    }
    let start = 0
    let end = body.length - 1
    const range = req.headers.range
    const m = range && /^bytes=(\d+)-(\d*)$/.exec(range)
    if (m) {
      start = Number(m[1])
      if (m[2]) end = Math.min(end, Number(m[2]))
      if (start > end) {
        res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end()
        return
      }
      res.writeHead(206, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': end - start + 1,
        'Content-Range': `bytes ${start}-${end}/${body.length}`,
        'Accept-Ranges': 'bytes',
      })
    } else {
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': body.length,
        'Accept-Ranges': 'bytes',
      })
    }
    const record = { range, sent: 0, closed: new Promise((r) => res.once('close', r)) }
    const stall = requests.length === 0 && opts.stallAt !== undefined ? opts.stallAt : Infinity
    requests.push(record)
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    const cut = cutsLeft > 0 ? cutsLeft-- && opts.cutAfter : Infinity
    const chunk = 16 * 1024
    let pos = start
    const step = () => {
      if (res.destroyed) return
      if (pos > end) {
        res.end()
        return
      }
      if (record.sent >= stall) return // hold the response open; the client ends it
      const n = Math.min(chunk, end - pos + 1, cut - record.sent, stall - record.sent)
      if (n <= 0) {
        // A dropped connection: no clean end of the response.
        res.socket?.destroy()
        return
      }
      res.write(body.subarray(pos, pos + n))
      pos += n
      record.sent += n
      const delay = opts.bytesPerSecond ? (n / opts.bytesPerSecond) * 1000 : 0
      setTimeout(step, delay)
    }
    step()
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise((res) => server.listen(0, '127.0.0.1', res))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}/${opts.name}`,
    requests,
    close: () =>
      new Promise((res) => {
        for (const s of sockets) s.destroy()
        server.close(() => res())
      }),
  }
}
