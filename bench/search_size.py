# Index size figures for an output folder's search/ (issue 15; BENCHMARKS.md).
# Usage: python3 bench/search_size.py OUT [QUERY ...]: prints the sizes of the
# index files, and per query the shards and doc files search.js would load.
import json, os, re, sys
out = sys.argv[1]
d = os.path.join(out, 'search')
def args(path, fn):
    t = open(path, encoding='utf-8').read()
    pre = 'golive.%s.apply(null, ' % fn
    assert t.startswith(pre) and t.endswith(');\n')
    return json.loads(t[len(pre):-3])
idx = args(os.path.join(d, 'index.js'), 'searchIndex')[0]
shards = idx['shards']; stop = set(idx['stop'])
size = lambda p: os.path.getsize(p)
hexn = lambda n: n.encode().hex()
sp = lambda n: os.path.join(d, 'shards', hexn(n) + '.js')
shard_sizes = {n: size(sp(n)) for n in shards}
docs = os.listdir(os.path.join(d, 'docs'))
doc_sizes = [size(os.path.join(d, 'docs', f)) for f in docs]
total = sum(shard_sizes.values()) + sum(doc_sizes) + size(os.path.join(d, 'index.js'))
print('index.js bytes', size(os.path.join(d, 'index.js')))
print('shards', len(shards), 'bytes', sum(shard_sizes.values()))
big = max(shard_sizes, key=shard_sizes.get)
print('largest shard', repr(big), shard_sizes[big])
print('docs', len(docs), 'bytes', sum(doc_sizes), 'largest', max(doc_sizes), 'median', sorted(doc_sizes)[len(doc_sizes)//2])
print('total index bytes', total)
def words(q):
    seen = []
    for w in re.findall(r'[^\W_]+', q.lower()):
        w = w.replace('_', '')
        if w and w not in stop and w not in seen: seen.append(w[:64])
    return seen
def needed(w):
    if len(w) == 1: return [n for n in shards if n == w]
    return [n for n in shards if len(n) >= 2 and (w.startswith(n) or n.startswith(w))]
cache = {}
def terms(n):
    if n not in cache: cache[n] = args(sp(n), 'searchShard')[1]
    return cache[n]
for q in sys.argv[2:]:
    ws = words(q)
    files = sorted({n for w in ws for n in needed(w)})
    sets = []
    for w in ws:
        s = set()
        for n in needed(w):
            for t, p in terms(n).items():
                if (t == w) if len(w) == 1 else t.startswith(w):
                    for e in p.split(' '):
                        i, recs = e.split(':')
                        # '*' marks a title term; the sizes below take the first page in index order, not ranked.
                        for r in recs.split('.'): s.add((int(i, 36), int(r.rstrip('*'), 36)))
        sets.append(s)
    hits = sorted(set.intersection(*sets)) if sets else []
    ids = []
    for i, _ in hits[:20]:
        if i not in ids: ids.append(i)
    def b36(n):
        s = ''
        while True:
            s = '0123456789abcdefghijklmnopqrstuvwxyz'[n % 36] + s; n //= 36
            if n == 0: return s
    docb = sum(size(os.path.join(d, 'docs', b36(i) + '.js')) for i in ids)
    shb = sum(shard_sizes[n] for n in files)
    print('query %r: %d results; shards %s = %d bytes; %d doc files for the first 20 = %d bytes; index.js %d; total %d bytes' % (
        q, len(hits), files, shb, len(ids), docb, size(os.path.join(d, 'index.js')), shb + docb + size(os.path.join(d, 'index.js'))))
