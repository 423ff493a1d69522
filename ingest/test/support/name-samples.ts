// Names a sender may give a span, a span event, a log event or a metric, and what is stored of
// each: the service's rules (src/otlp/name-privacy.ts) and the Collector's statements are both held
// to this table.
export const NAME_SAMPLES: Array<[sent: string, stored: string]> = [
  ['page_view', 'page_view'],
  ['GET /api/items?token=s3cret-token', 'GET /api/items'],
  ['GET https://example.com/reset?token=s3cret-token#top', 'GET https://example.com/reset'],
  ['HTTP GET /room#section', 'HTTP GET /room'],
  ['/search?q=my+name', '/search'],
  ['send to someone@example.com', 'send to [email]'],
  ['GET /users/first.last+tag@mail.example.org/profile?x=1', 'GET /users/[email]/profile'],
  ['mailto:someone@example.com', 'mailto:[email]'],
  ['GET /a?email=someone@example.com b@example.co', 'GET /a [email]'],
  ['https://user:pass@example.com/?q=1', 'https://user:[email]/'],
  ['fetch "https://a.example/x?y=1" then <wss://b.example/#frag>', 'fetch "https://a.example/x" then <wss://b.example/>'],
  ['GET\thttps://a.example/a?b\tdone', 'GET\thttps://a.example/a\tdone'],
  // Kept: no URL or path before the `?` or `#`, and an `@` that is no address.
  ['click #submit', 'click #submit'],
  ['Why? Because', 'Why? Because'],
  ['load react@18.2.0', 'load react@18.2.0'],
  ['import @footfall/contract', 'import @footfall/contract'],
  ['user@localhost', 'user@localhost'],
  ['', ''],
];
