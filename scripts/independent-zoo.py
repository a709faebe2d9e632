#!/usr/bin/env python3
"""An independently written zoo of host behaviours, with labelled spikes and an exact oracle.

Usage: independent-zoo.py SEED OUTDIR      writes OUTDIR/flows.log, labels.csv, hosts.csv, oracle.csv
       independent-zoo.py --check SEED     no spikes, no files: prints, per behaviour, the share of host-hours whose
                                           oracle tail is below 1e-3 beside its exact expectation
       independent-zoo.py --analyse OUTDIR ALERTS.jsonl
                                           false alerts by behaviour and missed oracle-detectable spikes, from the
                                           alerts of `flowspike detect --format jsonl` over the detection range
Besides the four files flowspike evaluate reads, OUTDIR gets behaviours.csv (each host's fine behaviour and
parameters; hosts.csv and labels.csv carry the family names that flowspike evaluate tabulates) and hours.csv (every
detection host-hour: count, expected count, oracle tail).

Written without reading FlowSpike's own generator or models, so that the behaviours are parameterised differently.
Plain Python 3 standard library; deterministic per seed (string seeds of random.Random are hashed with SHA-512).

Time: 21 days from Monday 2026-10-05T00:00:00Z in 1-hour windows; days 0-13 are a spike-free baseline, days 14-20
are detection (2026-10-19 .. 2026-10-26). Two accounts; each host is one 10.x address with one ENI.

Behaviours (the hourly count's true distribution; L is the host's level):
- poisson: Poisson(L), L log-uniform in 0.2..200.
- overdispersed: gamma-Poisson (negative binomial) with mean L (1..100) and variance/mean D uniform in 2..10, so the
  gamma shape is r = L / (D - 1).
- overdispersed-wandering: the same, D in 2..6, with a level that wanders: log L_t is AR(1) with coefficient 0.98 and
  a stationary standard deviation of 0.25..0.5. The oracle knows L_t.
- intermittent: a two-state Markov chain, active a share pi of the hours (0.10..0.40, stationary start) in geometric
  runs with mean length 2..8 h; Poisson(L) with L in 2..50 when active, 0 when not. The oracle does not see the
  state: its distribution for an hour is pi * Poisson(L) + (1 - pi) * 0.
- daily-cycle: Poisson(L * f(local hour)), L in 2..60, in time zones UTC-8, -5, -3, 0, +1, +3, +5, +8, +9, +10, with
  one of three shapes: sinusoid (1 + a cos(2 pi (h - peak) / 24), a 0.4..0.9); two peaks (0.15 + bumps at 09:00
  and 20:00 with widths 1.5 and 2 h); a night trough (1 by day, 0.05..0.2 from 23:00 to 05:00, ramps either side).
- weekly-cycle: Poisson(L), L in 2..80, on local weekdays, and L * 0.15..0.5 on local Saturdays and Sundays.
- office-hours: Poisson(L), L in 5..60, on local weekdays 09:00-18:00 with a lunch dip at 12:00-13:00 (x 0.35); an
  off level of 0.1..1 at other times and at weekends.
- trend: Poisson(L * exp(g t / 21 days)), L in 3..60, total log change g = +-0.5..1.2 over the 21 days.
- level-shift: Poisson(L) then Poisson(L * f) from an hour in the baseline (days 3-11) or detection (days 14.5-20),
  f in 0.25..0.5 or 2..4, L in 3..50. The oracle knows the shift.
- periodic-job: a job every P in {4, 6, 8, 12, 24} h at a random phase, 1..3 h long (at most P - 2 h), Poisson(J)
  with J in 8..80 during the job; an off level of 0 or 0.05..0.5 otherwise. Half the jobs start 1 h early or late
  (probability 1/4 each) per run: the oracle's distribution for an hour is the mixture over that jitter.
- bursty: Poisson(L), L in 2..40, and in a share q (1..5%) of hours, independently, Poisson(L * M) with M Pareto
  (minimum 3, shape 1.5..2.5) or log-normal (median 5, log sd 0.6). The oracle integrates over M (Simpson's rule).
- small: Poisson(L), L in 1..3, a third of them overdispersed (D 2..3).
- cycle-overdispersed: a daily sinusoid (as daily-cycle) with a negative-binomial count (D 2..5).
- intermittent-bursty: intermittent (as above), with bursts (as bursty, Pareto) in 3% of its active hours.
- new-quiet: appears at a random hour of detection, Poisson(0.5..5).
- new-beaconing: appears at a random hour of detection, Poisson(10..60) from its first hour: labelled (size new) from
  its first hour to the end. The oracle scores it against a new quiet host: Poisson(4).

Spikes: about 2/3 of the established hosts get one spike in detection, sizes x3, x5, x10 and +50 in equal shares;
a third of them last 2-4 consecutive hours, each hour labelled. A spike hour's count is the normal draw plus
(k - 1) * max(3, level) for xk (so never on a level below 3), or plus 50. The level is the hour's expected count
given what the generator knows of the host (its active level for an intermittent host, the job's level or the off
level for a periodic job; bursts excluded).

The oracle tail of a host-hour is P(X >= count) under the host's true distribution for that hour, by direct
summation of Poisson and negative-binomial probabilities (and integration for bursts).

flows.log: default VPC flow log v2 records without a header, one per blocked connection (REJECT OK) from the host to
a public address, start inside the hour (end up to 60 s later, so sometimes in the next hour); ACCEPT records from
the same hosts (which must not count); and a few NODATA and SKIPDATA records.
"""
import math
import random
import sys

START = 1791158400  # 2026-10-05T00:00:00Z, a Monday
HOURS = 21 * 24
DETECT = 14 * 24
ACCOUNTS = ("123456789012", "210987654321")
ORACLE_LIST = 1e-3
CHECK_TAIL = 1e-3


def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


# ---------------------------------------------------------------------------------------------------------------
# Exact sampling
def poisson(rng, mu):
    """Poisson by inversion, the mean split into pieces of at most 30 (a sum of independent Poissons)."""
    n = 0
    while mu > 30:
        n += poisson(rng, 30.0)
        mu -= 30.0
    if mu <= 0:
        return n
    u = rng.random()
    p = math.exp(-mu)
    f = p
    k = 0
    while u > f:
        k += 1
        p *= mu / k
        f += p
        if p < 1e-300 and k > mu:
            break
    return n + k


def negbin(rng, mu, r):
    return poisson(rng, rng.gammavariate(r, mu / r)) if mu > 0 else 0


# ---------------------------------------------------------------------------------------------------------------
# Exact tails, P(X >= c)
def pois_tail(c, mu):
    if c <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    if c <= mu:  # the tail is large: one minus the lower sum
        p = math.exp(-mu)
        s = p
        for k in range(1, c):
            p *= mu / k
            s += p
        return max(0.0, 1.0 - s)
    p = math.exp(c * math.log(mu) - mu - math.lgamma(c + 1))
    s = 0.0
    k = c
    while True:
        s += p
        k += 1
        p *= mu / k
        if p < s * 1e-17 or p == 0.0:
            return min(1.0, s)


def nb_tail(c, mu, r):
    if c <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    q = mu / (r + mu)  # P(X = k) = C(k + r - 1, k) (1 - q)^r q^k
    logp0 = r * math.log(1 - q)
    if c <= mu:
        p = math.exp(logp0)
        s = p
        for k in range(1, c):
            p *= (k - 1 + r) / k * q
            s += p
        return max(0.0, 1.0 - s)
    lp = math.lgamma(c + r) - math.lgamma(r) - math.lgamma(c + 1) + logp0 + c * math.log(q)
    p = math.exp(lp)
    s = 0.0
    k = c
    while True:
        s += p
        ratio = (k + r) / (k + 1) * q
        k += 1
        p *= ratio
        if (p < s * 1e-17 and ratio < 1) or p == 0.0:
            return min(1.0, s)


def simpson(f, a, b, n):
    h = (b - a) / n
    s = f(a) + f(b)
    for i in range(1, n):
        s += (4 if i % 2 else 2) * f(a + i * h)
    return s * h / 3


def burst_tail(c, mu, kind, a, b):
    """E over the burst multiplier M of P(Poisson(mu M) >= c)."""
    if kind == "pareto":  # M = a e^(s / b), s ~ Exp(1)
        return simpson(lambda s: pois_tail(c, mu * a * math.exp(min(s / b, 600))) * math.exp(-s), 0.0, 40.0, 800)
    # log-normal: M = exp(a + b z)
    return simpson(lambda z: pois_tail(c, mu * math.exp(a + b * z)) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi),
                   -9.0, 9.0, 360)


def burst_mean(kind, a, b):
    return a * b / (b - 1) if kind == "pareto" else math.exp(a + b * b / 2)


# A distribution is a tuple of components (weight, kind, params...): ("P", mu), ("NB", mu, r), ("B", mu, kind, a, b)
def comp_tail(c, comp):
    kind = comp[1]
    if kind == "P":
        return pois_tail(c, comp[2])
    if kind == "NB":
        return nb_tail(c, comp[2], comp[3])
    return burst_tail(c, comp[2], comp[3], comp[4], comp[5])


def comp_mean(comp):
    if comp[1] == "B":
        return comp[2] * burst_mean(comp[3], comp[4], comp[5])
    return comp[2]


def tail(c, dist, floor=None):
    """P(X >= c); with floor, may stop early and return a value >= floor once the cheap components reach it."""
    total = 0.0
    for comp in sorted(dist, key=lambda x: x[1] == "B"):
        total += comp[0] * comp_tail(c, comp)
        if floor is not None and total >= floor:
            return total
    return total


def dist_mean(dist):
    return sum(comp[0] * comp_mean(comp) for comp in dist)


def threshold(dist, alpha, cache):
    """The smallest c with P(X >= c) < alpha, and that tail."""
    key = dist
    if key in cache:
        return cache[key]
    lo = max(0, int(dist_mean(dist)))
    if tail(lo, dist, alpha) < alpha:
        lo = 0
    hi = max(lo + 1, 2 * lo + 10)
    while tail(hi, dist, alpha) >= alpha:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if tail(mid, dist, alpha) >= alpha:
            lo = mid
        else:
            hi = mid
    cache[key] = (hi, tail(hi, dist))
    return cache[key]


# ---------------------------------------------------------------------------------------------------------------
# Hosts
def loguniform(rng, a, b):
    return math.exp(rng.uniform(math.log(a), math.log(b)))


TZ = (-8, -5, -3, 0, 1, 3, 5, 8, 9, 10)


def local(t_hour, tz):
    """(local hour of day, local weekday 0 = Monday) of the hour t_hour since the start."""
    h = t_hour + tz
    return h % 24, (h // 24) % 7


def daily_shape(rng):
    kind = rng.choice(("sinusoid", "two-peaks", "night-trough"))
    if kind == "sinusoid":
        a, peak = rng.uniform(0.4, 0.9), rng.uniform(0, 24)
        return lambda h: 1 + a * math.cos(2 * math.pi * (h - peak) / 24)
    if kind == "two-peaks":
        a1, a2 = rng.uniform(0.8, 1.5), rng.uniform(0.6, 1.2)
        return lambda h: 0.15 + a1 * math.exp(-((h - 9) / 1.5) ** 2 / 2) + a2 * math.exp(-((h - 20) / 2) ** 2 / 2)
    night = rng.uniform(0.05, 0.2)
    levels = {23: night, 0: night, 1: night, 2: night, 3: night, 4: night, 5: night, 22: (1 + night) / 2,
              6: (1 + night) / 2}
    return lambda h: levels.get(h, 1.0)


class Host:
    """A host's generator: hour(t) returns (count, oracle distribution, spike reference level)."""

    def __init__(self, behaviour, rng, first=0):
        self.behaviour, self.rng, self.first = behaviour, rng, first
        self.state = None
        b = behaviour
        r = rng
        if b == "poisson":
            self.L = loguniform(r, 0.2, 200)
        elif b in ("overdispersed", "overdispersed-wandering"):
            self.L = loguniform(r, 1, 100)
            self.D = r.uniform(2, 10) if b == "overdispersed" else r.uniform(2, 6)
            self.sd = r.uniform(0.25, 0.5)
            self.x = r.gauss(0, self.sd)
        elif b in ("intermittent", "intermittent-bursty"):
            self.pi, run = r.uniform(0.10, 0.40), r.uniform(2, 8)
            self.off_p = 1 / run
            self.on_p = self.pi / (1 - self.pi) * self.off_p
            self.L = loguniform(r, 2, 50)
            self.state = r.random() < self.pi
            self.q, self.kind, self.a, self.b = 0.03, "pareto", 3.0, r.uniform(1.5, 2.5)
        elif b in ("daily-cycle", "cycle-overdispersed"):
            self.L, self.tz = loguniform(r, 2, 60), r.choice(TZ)
            self.f = daily_shape(r) if b == "daily-cycle" else daily_shape_sin(r)
            self.D = r.uniform(2, 5)
        elif b == "weekly-cycle":
            self.L, self.tz, self.weekend = loguniform(r, 2, 80), r.choice(TZ), r.uniform(0.15, 0.5)
        elif b == "office-hours":
            self.L, self.tz, self.off = loguniform(r, 5, 60), r.choice(TZ), r.uniform(0.1, 1)
        elif b == "trend":
            self.L, self.g = loguniform(r, 3, 60), r.choice((-1, 1)) * r.uniform(0.5, 1.2)
        elif b == "level-shift":
            self.L = loguniform(r, 3, 50)
            self.f = r.uniform(0.25, 0.5) if r.random() < 0.5 else r.uniform(2, 4)
            self.at = r.randint(3 * 24, 11 * 24) if r.random() < 0.5 else r.randint(14 * 24 + 12, 20 * 24)
        elif b == "periodic-job":
            self.P = r.choice((4, 6, 8, 12, 24))
            self.dur = r.randint(1, min(3, self.P - 2))
            self.phase = r.randrange(self.P)
            self.J = loguniform(r, 8, 80)
            self.off = 0.0 if r.random() < 0.5 else r.uniform(0.05, 0.5)
            self.jitter = r.random() < 0.5
            self.cycle_shift = {}
        elif b == "bursty":
            self.L, self.q = loguniform(r, 2, 40), r.uniform(0.01, 0.05)
            if r.random() < 0.5:
                self.kind, self.a, self.b = "pareto", 3.0, r.uniform(1.5, 2.5)
            else:
                self.kind, self.a, self.b = "lognormal", math.log(5), 0.6
        elif b == "small":
            self.L = r.uniform(1, 3)
            self.D = r.uniform(2, 3) if r.random() < 1 / 3 else None
        elif b == "new-quiet":
            self.L = r.uniform(0.5, 5)
        elif b == "new-beaconing":
            self.L = r.uniform(10, 60)
        else:
            raise ValueError(b)

    def hour(self, t):
        b, r = self.behaviour, self.rng
        if b in ("poisson", "new-quiet", "new-beaconing"):
            dist = ((1.0, "P", self.L),)
            if b == "new-beaconing":
                dist = ((1.0, "P", 4.0),)
            return poisson(r, self.L), dist, self.L
        if b == "small":
            if self.D is None:
                return poisson(r, self.L), ((1.0, "P", self.L),), self.L
            rr = self.L / (self.D - 1)
            return negbin(r, self.L, rr), ((1.0, "NB", self.L, rr),), self.L
        if b in ("overdispersed", "overdispersed-wandering"):
            mu = self.L
            if b == "overdispersed-wandering":
                phi = 0.98
                self.x = phi * self.x + r.gauss(0, self.sd * math.sqrt(1 - phi * phi))
                mu = self.L * math.exp(self.x)
            rr = mu / (self.D - 1)
            return negbin(r, mu, rr), ((1.0, "NB", mu, rr),), mu
        if b in ("intermittent", "intermittent-bursty"):
            if t > self.first:
                self.state = (r.random() >= self.off_p) if self.state else (r.random() < self.on_p)
            bursty = b == "intermittent-bursty"
            if bursty:
                on = ((self.pi * (1 - self.q), "P", self.L), (self.pi * self.q, "B", self.L, self.kind, self.a, self.b))
            else:
                on = ((self.pi, "P", self.L),)
            dist = ((1 - self.pi, "P", 0.0),) + on
            if not self.state:
                return 0, dist, self.L
            mu = self.L
            if bursty and r.random() < self.q:
                mu *= self.a * r.paretovariate(self.b)
            return poisson(r, mu), dist, self.L
        if b == "daily-cycle":
            h, _ = local(t, self.tz)
            mu = self.L * self.f(h)
            return poisson(r, mu), ((1.0, "P", mu),), mu
        if b == "cycle-overdispersed":
            h, _ = local(t, self.tz)
            mu = self.L * self.f(h)
            rr = mu / (self.D - 1)
            return negbin(r, mu, rr), ((1.0, "NB", mu, rr),), mu
        if b == "weekly-cycle":
            _, wd = local(t, self.tz)
            mu = self.L * (self.weekend if wd >= 5 else 1.0)
            return poisson(r, mu), ((1.0, "P", mu),), mu
        if b == "office-hours":
            h, wd = local(t, self.tz)
            mu = self.off
            if wd < 5 and 9 <= h < 18:
                mu = self.L * (0.35 if h == 12 else 1.0)
            return poisson(r, mu), ((1.0, "P", mu),), mu
        if b == "trend":
            mu = self.L * math.exp(self.g * t / HOURS)
            return poisson(r, mu), ((1.0, "P", mu),), mu
        if b == "level-shift":
            mu = self.L * (self.f if t >= self.at else 1.0)
            return poisson(r, mu), ((1.0, "P", mu),), mu
        if b == "periodic-job":
            return self.job_hour(t)
        if b == "bursty":
            mu = self.L
            if r.random() < self.q:
                mu *= self.a * r.paretovariate(self.b) if self.kind == "pareto" else r.lognormvariate(self.a, self.b)
            dist = ((1 - self.q, "P", self.L), (self.q, "B", self.L, self.kind, self.a, self.b))
            return poisson(r, mu), dist, self.L
        raise ValueError(b)

    def job_hour(self, t):
        r = self.rng
        shifts = ((-1, 0.25), (0, 0.5), (1, 0.25)) if self.jitter else ((0, 1.0),)
        covered = 0.0  # the probability, over the jitter, that a run covers hour t
        actual = False
        for n in range((t - 2 - self.phase) // self.P - 1, (t + 2 - self.phase) // self.P + 2):
            start = self.phase + n * self.P
            if n not in self.cycle_shift:
                self.cycle_shift[n] = (r.choices((-1, 0, 1), (0.25, 0.5, 0.25))[0] if self.jitter else 0)
            for s, w in shifts:
                if start + s <= t < start + s + self.dur:
                    covered += w
            s = self.cycle_shift[n]
            if start + s <= t < start + s + self.dur:
                actual = True
        mu = self.J if actual else self.off
        dist = tuple(c for c in ((covered, "P", self.J), (1 - covered, "P", self.off)) if c[0] > 1e-12)
        return poisson(r, mu), dist, mu


def daily_shape_sin(rng):
    a, peak = rng.uniform(0.4, 0.9), rng.uniform(0, 24)
    return lambda h: 1 + a * math.cos(2 * math.pi * (h - peak) / 24)


POPULATION = (("poisson", 24), ("overdispersed", 10), ("overdispersed-wandering", 8), ("intermittent", 14),
              ("daily-cycle", 18), ("weekly-cycle", 10), ("office-hours", 12), ("trend", 10), ("level-shift", 12),
              ("periodic-job", 16), ("bursty", 14), ("small", 12), ("cycle-overdispersed", 8),
              ("intermittent-bursty", 8), ("new-quiet", 8), ("new-beaconing", 8))


# The behaviour names flowspike evaluate tabulates; the finer names are in behaviours.csv.
FAMILY = {"overdispersed-wandering": "overdispersed", "trend": "trend-shift", "level-shift": "trend-shift",
          "small": "poisson", "cycle-overdispersed": "daily-cycle", "intermittent-bursty": "intermittent"}


def family(behaviour):
    return FAMILY.get(behaviour, behaviour)


def describe(h):
    """The host's parameters, for the analysis (no commas)."""
    keep = ("L", "D", "pi", "off_p", "tz", "weekend", "off", "g", "f", "at", "P", "dur", "phase", "J", "jitter", "q",
            "kind", "b", "sd")
    parts = []
    for k in keep:
        v = getattr(h, k, None)
        b = h.behaviour
        if v is None or callable(v) or (k == "f" and b != "level-shift") or (k == "D" and b == "daily-cycle") \
                or (k == "sd" and b != "overdispersed-wandering") or (k in ("q", "kind", "b") and "bursty" not in b):
            continue
        parts.append(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}")
    return " ".join(parts)


def build_hosts(seed):
    master = random.Random(f"independent-zoo/{seed}/hosts")
    hosts = []
    used = set()
    for behaviour, n in POPULATION:
        for _ in range(n):
            i = len(hosts)
            account = master.choice(ACCOUNTS)
            while True:
                ip = f"10.{master.randint(0, 31) + (0 if account == ACCOUNTS[0] else 64)}." \
                     f"{master.randint(0, 255)}.{master.randint(4, 250)}"
                if ip not in used:
                    used.add(ip)
                    break
            first = master.randint(DETECT + 6, HOURS - 30) if behaviour.startswith("new-") else 0
            h = Host(behaviour, random.Random(f"independent-zoo/{seed}/host/{i}"), first)
            h.ip, h.account, h.index = ip, account, i
            h.eni = "eni-" + "".join(master.choice("0123456789abcdef") for _ in range(17))
            h.dsts = [f"{master.choice((3, 13, 18, 34, 35, 44, 52, 54, 104, 142, 151, 185, 198))}."
                      f"{master.randint(0, 255)}.{master.randint(0, 255)}.{master.randint(1, 254)}"
                      for _ in range(master.randint(1, 6))]
            h.ports = [master.choice((22, 25, 53, 80, 123, 443, 445, 3389, 4444, 6881, 8080, 8443))
                       for _ in range(master.randint(1, 3))]
            hosts.append(h)
    return hosts, master


def plan_spikes(hosts, master):
    established = [h for h in hosts if not h.behaviour.startswith("new-")]
    chosen = master.sample(established, round(len(established) * 2 / 3))
    sizes = ["x3", "x5", "x10", "+50"] * (len(chosen) // 4 + 1)
    master.shuffle(sizes)
    plan = {}
    for h, size in zip(chosen, sizes):
        dur = 1 if master.random() < 2 / 3 else master.randint(2, 4)
        start = master.randint(DETECT, HOURS - dur)
        plan[h.index] = (size, start, dur)
    return plan


def spike_extra(size, ref):
    return 50 if size == "+50" else round((int(size[1:]) - 1) * max(3.0, ref))


# ---------------------------------------------------------------------------------------------------------------
def check(seed):
    hosts, _ = build_hosts(seed)
    cache = {}
    by = {}
    for h in hosts:
        if h.behaviour == "new-beaconing":
            continue
        row = by.setdefault(h.behaviour, [0, 0, 0.0])
        for t in range(h.first, HOURS):
            count, dist, _ = h.hour(t)
            c, p = threshold(dist, CHECK_TAIL, cache)
            row[0] += 1
            row[1] += count >= c
            row[2] += p
    print(f"Oracle check, seed {seed}, spike-free, all {HOURS} hours: host-hours with oracle tail < {CHECK_TAIL:g}")
    print("(expected: the exact sum over host-hours of P(tail(X) < alpha), at most alpha for a discrete count)\n")
    print("| behaviour | host-hours | tail < 1e-3 | share | expected share | observed / expected |")
    print("| --- | --- | --- | --- | --- | --- |")
    tot = [0, 0, 0.0]
    for b, (n, k, e) in by.items():
        tot = [tot[0] + n, tot[1] + k, tot[2] + e]
        print(f"| {b} | {n} | {k} | {k / n:.2e} | {e / n:.2e} | {k / e if e else float('nan'):.2f} |")
    n, k, e = tot
    print(f"| all | {n} | {k} | {k / n:.2e} | {e / n:.2e} | {k / e:.2f} |")


def generate(seed, out):
    import os
    os.makedirs(out, exist_ok=True)
    hosts, master = build_hosts(seed)
    plan = plan_spikes(hosts, master)
    rec = random.Random(f"independent-zoo/{seed}/records")
    labels, oracle, hours = [], [], []
    per_hour = [[] for _ in range(HOURS)]  # (host, count) per hour
    for h in hosts:
        spike = plan.get(h.index)
        beacon_total, beacon_first = 0, None
        for t in range(h.first, HOURS):
            count, dist, ref = h.hour(t)
            size = None
            if spike and spike[1] <= t < spike[1] + spike[2]:
                size = spike[0]
                extra = spike_extra(size, ref)
                count += extra
            if h.behaviour == "new-beaconing":
                beacon_total += count
                if beacon_first is None:
                    beacon_first = count
            per_hour[t].append((h, count))
            if t < DETECT:
                continue
            tl = None
            if size is not None:
                tl = tail(count, dist)
            elif dist_mean(dist) < count:
                cheap = tail(count, dist, ORACLE_LIST)  # exact when below the floor
                tl = cheap if cheap < ORACLE_LIST else None
            if tl is not None and tl < ORACLE_LIST:
                oracle.append(f"{h.ip},{h.account},{iso(START + 3600 * t)},{count},{tl:.6g}")
            if size is not None:
                labels.append(f"{h.ip},{iso(START + 3600 * t)},{iso(START + 3600 * (t + 1))},{extra},{h.account},"
                              f"{family(h.behaviour)},{size},{count},{tl:.6g}")
            if tl is None:
                tl = tail(count, dist, 0.01)  # exact below 0.01, else a lower bound
            hours.append(f"{h.ip},{h.account},{iso(START + 3600 * t)},{count},{dist_mean(dist):.4g},{tl:.4g},"
                         f"{size or ''}")
        if h.behaviour == "new-beaconing":
            tl = tail(beacon_first, ((1.0, "P", 4.0),))
            labels.append(f"{h.ip},{iso(START + 3600 * h.first)},{iso(START + 3600 * HOURS)},{beacon_total},"
                          f"{h.account},{h.behaviour},new,{beacon_first},{tl:.6g}")
    with open(os.path.join(out, "behaviours.csv"), "w") as f:
        f.write("src_ip,account,behaviour,family,first_seen,params\n")
        f.writelines(f"{h.ip},{h.account},{h.behaviour},{family(h.behaviour)},{iso(START + 3600 * h.first)},"
                     f"{describe(h)}\n" for h in hosts)
    with open(os.path.join(out, "hours.csv"), "w") as f:
        f.write("src_ip,account,window_start,count,expected,oracle_tail,spike\n")
        f.writelines(line + "\n" for line in hours)
    with open(os.path.join(out, "labels.csv"), "w") as f:
        f.write("src_ip,window_start,window_end,extra_blocked,account,behaviour,size,count,oracle_tail\n")
        f.writelines(line + "\n" for line in labels)
    with open(os.path.join(out, "hosts.csv"), "w") as f:
        f.write("src_ip,account,behaviour,first_seen\n")
        f.writelines(f"{h.ip},{h.account},{family(h.behaviour)},{iso(START + 3600 * h.first)}\n" for h in hosts)
    with open(os.path.join(out, "oracle.csv"), "w") as f:
        f.write("src_ip,account,window_start,count,oracle_tail\n")
        f.writelines(line + "\n" for line in oracle)
    records = 0
    with open(os.path.join(out, "flows.log"), "w") as f:
        for t in range(HOURS):
            t0 = START + 3600 * t
            lines = []
            for h, count in per_hour[t]:
                accepts = poisson(rec, 0.3 * (count + 1))
                for i in range(count + accepts):
                    s = t0 + rec.randrange(3600)
                    e = s + rec.randint(0, 60)
                    proto = 17 if rec.random() < 0.15 else 6
                    pk = rec.randint(1, 3)
                    action = "REJECT" if i < count else "ACCEPT"
                    lines.append((s, f"2 {h.account} {h.eni} {h.ip} {rec.choice(h.dsts)} {rec.randint(32768, 60999)} "
                                     f"{rec.choice(h.ports)} {proto} {pk} {pk * rec.randint(40, 60)} {s} {e} "
                                     f"{action} OK"))
                if rec.random() < 0.004:
                    status = "NODATA" if rec.random() < 0.7 else "SKIPDATA"
                    s = t0 + rec.randrange(3600)
                    lines.append((s, f"2 {h.account} {h.eni} - - - - - - - {s} {s + 60} - {status}"))
            lines.sort(key=lambda x: x[0])
            records += len(lines)
            f.writelines(line + "\n" for _, line in lines)
    print(f"independent zoo seed {seed}: {len(hosts)} hosts, {len(plan)} spikes, {len(labels)} label rows, "
          f"{len(oracle)} oracle host-hours, {records} records in {out}/flows.log", file=sys.stderr)


def analyse(out, alerts_path, miss_tail=1e-4):
    """False alerts by (fine) behaviour, each false alert, and the missed spike hours whose oracle tail is below
    miss_tail, from a model's alerts (flowspike detect --format jsonl) over the detection range."""
    import csv
    import json
    with open(f"{out}/behaviours.csv") as f:
        hosts = {(r["account"], r["src_ip"]): r for r in csv.DictReader(f)}
    with open(f"{out}/labels.csv") as f:
        labels = list(csv.DictReader(f))
    with open(f"{out}/hours.csv") as f:
        hours = {(r["account"], r["src_ip"], r["window_start"]): r for r in csv.DictReader(f)}
    alerts = []
    with open(alerts_path) as f:
        for line in f:
            if line.strip():
                a = json.loads(line)
                a["account"] = a.get("entity", "").split("/")[0]
                alerts.append(a)

    def matches(a, lab):
        return (a["src_ip"] == lab["src_ip"] and a["window_start"] < lab["window_end"]
                and a["window_end"] > lab["window_start"] and a["account"] == lab["account"])
    false = [a for a in alerts if not any(matches(a, lab) for lab in labels)]
    missed = [lab for lab in labels if not any(matches(a, lab) for a in alerts)]
    host_hours = {}
    for (account, ip, _), _r in hours.items():
        b = hosts[(account, ip)]["behaviour"]
        host_hours[b] = host_hours.get(b, 0) + 1
    fa = {}
    for a in false:
        b = hosts[(a["account"], a["src_ip"])]["behaviour"]
        fa[b] = fa.get(b, 0) + 1
    print(f"{len(alerts)} alerts, {len(false)} false; {len(missed)} of {len(labels)} label rows missed")
    # A spike event: a host's consecutive labelled hours. Found when any of its hours has an alert.
    events = {}
    for lab in labels:
        events.setdefault((lab["account"], lab["src_ip"], lab["size"]), []).append(lab)
    by_size = {}
    for (_, _, size), rows in events.items():
        first = min(rows, key=lambda x: x["window_start"])
        n = by_size.setdefault(size, [0, 0, 0, 0, 0])
        n[0] += 1
        n[1] += any(matches(a, lab) for lab in rows for a in alerts)
        n[2] += any(matches(a, first) for a in alerts)
        later = [lab for lab in rows if lab is not first]
        n[3] += len(later)
        n[4] += sum(any(matches(a, lab) for a in alerts) for lab in later)
    print("\n| size | spike events | found (any hour) | first hour found | later hours | later hours found |")
    print("| --- | --- | --- | --- | --- | --- |")
    for size in ("x3", "x5", "x10", "+50", "new"):
        if size in by_size:
            e, f, h1, lh, lf = by_size[size]
            print(f"| {size} | {e} | {f} | {h1} | {lh} | {lf} |")
    print()
    print("| behaviour | detection host-hours | false alerts | per 1,000 host-hours |\n| --- | --- | --- | --- |")
    for b in sorted(host_hours):
        print(f"| {b} | {host_hours[b]} | {fa.get(b, 0)} | {1000 * fa.get(b, 0) / host_hours[b]:.2f} |")
    print("\nFalse alerts (host, hour, count, expected, oracle tail, model's expected and tail, host):")
    for a in sorted(false, key=lambda a: (hosts[(a["account"], a["src_ip"])]["behaviour"], a["window_start"])):
        h = hosts[(a["account"], a["src_ip"])]
        r = hours.get((a["account"], a["src_ip"], a["window_start"]), {})
        print(f"- {h['behaviour']} {a['src_ip']} {a['window_start']} count {a['blocked_connections']} "
              f"expected {r.get('expected')} oracle {r.get('oracle_tail')} | model expected "
              f"{a.get('expected_count', 0):.3g} tail {a.get('tail_probability', 0):.2g} rule {a.get('rule')} "
              f"| {h['params']}")
    print(f"\nMissed label rows with oracle tail < {miss_tail:g}:")
    for lab in sorted(missed, key=lambda x: (hosts[(x["account"], x["src_ip"])]["behaviour"], x["window_start"])):
        if float(lab["oracle_tail"]) >= miss_tail:
            continue
        h = hosts[(lab["account"], lab["src_ip"])]
        r = hours.get((lab["account"], lab["src_ip"], lab["window_start"]), {})
        print(f"- {h['behaviour']} {lab['src_ip']} {lab['window_start']} size {lab['size']} count {lab['count']} "
              f"(+{lab['extra_blocked']}) expected {r.get('expected')} oracle {float(lab['oracle_tail']):.2g} "
              f"| {h['params']}")


def main(argv):
    if len(argv) == 3 and argv[0] == "--analyse":
        analyse(argv[1], argv[2])
        return 0
    if len(argv) == 2 and argv[0] == "--check":
        check(int(argv[1]))
        return 0
    if len(argv) != 2:
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    try:
        seed = int(argv[0])
    except ValueError:
        print(f"independent-zoo.py: SEED must be an integer, not '{argv[0]}'", file=sys.stderr)
        return 2
    generate(seed, argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
