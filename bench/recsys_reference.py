"""Straightforward numpy reference for the MovieLens-100K ua split (the same protocol as
bench/recsys-movielens.bench.ts): every ua.base rating is an interaction, full ranking over all items of both
files with training items excluded, ties by item id, k = 10. Popularity (counts), EASE (lambda = 500, exact
inverse), ALS (Hu-Koren-Volinsky, exact solve per row with numpy.linalg.solve), item-kNN (cosine with shrinkage,
top-N neighbours). Usage: python3 bench/recsys_reference.py [dir] [--als-factors 64 --als-iterations 15 ...]
"""
import sys, time
import numpy as np

args = sys.argv[1:]
def opt(name, default):
    return type(default)(args[args.index('--' + name) + 1]) if '--' + name in args else default
d = next((a for a in args if not a.startswith('--') and not (args.index(a) > 0 and args[args.index(a) - 1].startswith('--'))), '../shared/datasets/movielens-100k')

def read(p):
    return np.loadtxt(p, dtype=np.int64)[:, :2]
tr, te = read(f'{d}/ua.base'), read(f'{d}/ua.test')
users = np.unique(np.concatenate([tr[:, 0], te[:, 0]])); items = np.unique(np.concatenate([tr[:, 1], te[:, 1]]))
uix = {u: i for i, u in enumerate(users)}; iix = {v: i for i, v in enumerate(items)}
nu, ni = len(users), len(items)
X = np.zeros((nu, ni))
for u, i in tr: X[uix[u], iix[i]] = 1
rel = [set() for _ in range(nu)]
for u, i in te: rel[uix[u]].add(iix[i])
K = 10

def evaluate(S):
    S = S.astype(np.float64).copy(); S[X > 0] = -np.inf
    p = r = ap = nd = 0.0; n = 0
    for u in range(nu):
        if not rel[u]: continue
        n += 1
        top = np.argsort(-S[u], kind='stable')[:K]
        hits = 0; sp = 0.0; dcg = 0.0
        for pos, j in enumerate(top):
            if j in rel[u]:
                hits += 1; sp += hits / (pos + 1); dcg += 1 / np.log2(pos + 2)
        idcg = sum(1 / np.log2(pos + 2) for pos in range(min(K, len(rel[u]))))
        p += hits / K; r += hits / len(rel[u]); ap += sp / min(K, len(rel[u])); nd += dcg / idcg
    return dict(precision=p / n, recall=r / n, ndcg=nd / n, map=ap / n)

def report(name, fn):
    t = time.time(); S = fn(); secs = time.time() - t
    m = evaluate(S)
    print(f"| {name} | {m['precision']:.4f} | {m['recall']:.4f} | {m['ndcg']:.4f} | {m['map']:.4f} | {secs:.2f} |", flush=True)

def popularity():
    return np.tile(X.sum(0), (nu, 1))

def ease(lam=opt('ease-lambda', 500.0)):
    G = X.T @ X + lam * np.eye(ni); P = np.linalg.inv(G)
    B = -P / np.diag(P); np.fill_diagonal(B, 0)
    return X @ B

def als(f=opt('als-factors', 64), reg=opt('als-reg', 0.05), alpha=opt('als-alpha', 2.0), iters=opt('als-iterations', 15)):
    rng = np.random.default_rng(0)
    U = (rng.random((nu, f)) - 0.5) * 0.02; V = (rng.random((ni, f)) - 0.5) * 0.02
    C = 1 + alpha * X
    def solve(A, Y, Cm):
        YtY = Y.T @ Y
        for u in range(A.shape[0]):
            idx = np.nonzero(Cm[u] > 1)[0]
            if len(idx) == 0: A[u] = 0; continue
            Yi = Y[idx]; c = Cm[u, idx]
            M = YtY + (Yi.T * (c - 1)) @ Yi + reg * np.eye(f)
            A[u] = np.linalg.solve(M, (Yi.T * c).sum(1))
    for _ in range(iters):
        solve(U, V, C); solve(V, U, C.T)
    return U @ V.T

def item_knn(nbrs=opt('knn-neighbours', 100), shrink=opt('knn-shrink', 10.0)):
    co = X.T @ X; norms = np.sqrt(np.diag(co))
    S = co / (np.outer(norms, norms) + shrink); np.fill_diagonal(S, 0)
    # keep the top-N neighbours of each item i (row i: what i contributes to)
    for i in range(ni):
        order = np.argsort(-S[i], kind='stable'); S[i, order[nbrs:]] = 0
    return X @ S

which = opt('strategies', 'popularity,item-knn,als,ease').split(',')
print(f'numpy reference, MovieLens-100K ua: {nu} users, {ni} items, {int(X.sum())} train')
print('| strategy | P@10 | R@10 | NDCG@10 | MAP@10 | seconds |\n|---|---|---|---|---|---|')
for name in which:
    report(name, {'popularity': popularity, 'ease': ease, 'als': als, 'item-knn': item_knn}[name])
