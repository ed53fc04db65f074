namespace NepForge.Sampling.Selection;

/// <summary>
/// Exact farthest-point sampling of candidates against a base set that counts as already selected, evaluated lazily.
/// Each candidate holds an upper bound of its squared distance to the nearest selected point (base ∪ picks); a max-heap
/// orders them by bound (ties: lowest index). The top is refreshed (new picks, then an exact nearest-base search
/// that skips clusters of <see cref="BasePivots"/> by the triangle inequality) until the top is exact; that one is the
/// true farthest candidate, the same one brute force finds. Memory is O(candidates + base); no candidate × base
/// matrix is formed. The first bounds (distance to the nearest pivot) are computed in parallel with SIMD.
/// </summary>
public sealed class FarthestPointSampler
{
    readonly FeatureMatrix _x;
    readonly BasePivots? _base;
    readonly double[] _bound;
    readonly bool[] _baseExact;
    readonly int[] _picksSeen;
    readonly bool[] _gone;
    readonly List<int> _picks = [];
    readonly ParallelOptions _parallel;
    PriorityQueue<int, Key> _heap;
    readonly double[] _pivotDistance;
    readonly int[] _order;

    /// <summary>Prepares sampling of <paramref name="candidates"/> with <paramref name="baseSet"/> already selected (may be empty).</summary>
    public FarthestPointSampler(FeatureMatrix candidates, FeatureMatrix baseSet, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(baseSet);
        if (baseSet.Rows > 0 && baseSet.Dim != candidates.Dim)
            throw new ArgumentException($"base has dimension {baseSet.Dim}; candidates {candidates.Dim}", nameof(baseSet));
        _x = candidates;
        int n = candidates.Rows;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = threads <= 0 ? Environment.ProcessorCount : threads };
        _bound = new double[n];
        _baseExact = new bool[n];
        _picksSeen = new int[n];
        _gone = new bool[n];
        if (baseSet.Rows == 0)
        {
            Array.Fill(_bound, double.PositiveInfinity);
            Array.Fill(_baseExact, true);
            _pivotDistance = [];
            _order = [];
        }
        else
        {
            _base = BasePivots.Build(baseSet, BasePivots.DefaultCount(baseSet.Rows), _parallel.MaxDegreeOfParallelism);
            bool allPivots = _base.Count == baseSet.Rows;
            var pivots = _base.Pivots;
            ParallelBlocks.For(n, 512, _parallel, (from, to) =>
            {
                for (int i = from; i < to; i++)
                    _bound[i] = SquaredDistance.MinTo(_x.Row(i), pivots, 0, pivots.Rows, double.PositiveInfinity);
            });
            if (allPivots)
                Array.Fill(_baseExact, true);
            _pivotDistance = new double[_base.Count];
            _order = new int[_base.Count];
        }
        _heap = BuildHeap();
    }

    /// <summary>Number of candidates.</summary>
    public int Count => _x.Rows;

    /// <summary>Picks so far (candidate indices, in order).</summary>
    public IReadOnlyList<int> Picks => _picks;

    /// <summary>How many exact nearest-base searches ran (a measure of the work the bounds saved).</summary>
    public long BaseSearches { get; private set; }

    /// <summary>
    /// The remaining candidate farthest from base ∪ picks (ties: lowest index) and its distance (+∞ while nothing is
    /// selected); false when none remains.
    /// </summary>
    public bool TryPeek(out int index, out double distance)
    {
        while (_heap.TryPeek(out int i, out _))
        {
            if (_gone[i])
            {
                _heap.Dequeue();
                continue;
            }
            if (_baseExact[i] && _picksSeen[i] == _picks.Count)
            {
                index = i;
                distance = Math.Sqrt(_bound[i]);
                return true;
            }
            _heap.Dequeue();
            double target = _heap.TryPeek(out _, out var next) ? next.Value : double.NegativeInfinity;
            Refresh(i, target);
            _heap.Enqueue(i, new Key(_bound[i], i));
        }
        index = -1;
        distance = double.NaN;
        return false;
    }

    /// <summary>Selects candidate <paramref name="index"/>: it joins the selected set and is never offered again.</summary>
    public void Take(int index)
    {
        if (_gone[index])
            throw new InvalidOperationException($"candidate {index} was already taken or dropped");
        _gone[index] = true;
        _picks.Add(index);
        if (_picks.Count == 1 && _base is null)
        {
            // Nothing was selected before: every bound was +∞, so set them all at once rather than one pop each.
            int n = _x.Rows;
            var p = _x.Data.AsMemory(index * _x.Dim, _x.Dim);
            ParallelBlocks.For(n, 2048, _parallel, (from, to) =>
            {
                for (int i = from; i < to; i++)
                {
                    _bound[i] = SquaredDistance.Of(_x.Row(i), p.Span);
                    _picksSeen[i] = 1;
                }
            });
            _heap = BuildHeap();
        }
    }

    /// <summary>Removes candidate <paramref name="index"/> from consideration without selecting it.</summary>
    public void Drop(int index) => _gone[index] = true;

    /// <summary>True when the candidate was taken or dropped.</summary>
    public bool IsGone(int index) => _gone[index];

    PriorityQueue<int, Key> BuildHeap()
    {
        var items = new List<(int, Key)>(_x.Rows);
        for (int i = 0; i < _x.Rows; i++)
        {
            if (!_gone[i])
                items.Add((i, new Key(_bound[i], i)));
        }
        return new PriorityQueue<int, Key>(items, KeyComparer.Instance);
    }

    // Brings candidate i's bound up to date with the picks, then, unless it already fell below the next best bound
    // (it is then no longer the top and the exact value can wait), searches the base exactly.
    void Refresh(int i, double target)
    {
        var x = _x.Row(i);
        double best = _bound[i];
        for (int k = _picksSeen[i]; k < _picks.Count; k++)
        {
            double d = SquaredDistance.Of(x, _x.Row(_picks[k]));
            if (d < best)
                best = d;
        }
        _picksSeen[i] = _picks.Count;
        _bound[i] = best;
        if (_baseExact[i] || best < target)
            return;
        _bound[i] = NearestBase(x, best, target, out bool exact);
        _baseExact[i] = exact;
    }

    // Exact squared distance to the nearest base row (or to best, if smaller), visiting clusters by their lower bound
    // |x − p| − r; stops early, not exact, once the value is below target.
    double NearestBase(ReadOnlySpan<double> x, double best, double target, out bool exact)
    {
        BaseSearches++;
        var b = _base!;
        int k = b.Count;
        for (int c = 0; c < k; c++)
        {
            double dp = SquaredDistance.Of(x, b.Pivots.Row(c));
            if (dp < best)
                best = dp;
            _pivotDistance[c] = Math.Sqrt(dp) - b.Radius[c];
            _order[c] = c;
        }
        Array.Sort(_pivotDistance, _order);
        for (int r = 0; r < k; r++)
        {
            // Margin: rounding must never let the bound exclude the row that is the exact minimum.
            double root = Math.Sqrt(best);
            if (_pivotDistance[r] > root * (1 + 1e-9) + 1e-300)
                break;
            int c = _order[r];
            best = SquaredDistance.MinTo(x, b.Rows, b.Start[c], b.Start[c + 1], best);
            if (best < target && r + 1 < k)
            {
                exact = false;
                return best;
            }
        }
        exact = true;
        return best;
    }

    readonly record struct Key(double Value, int Index);

    // Larger bound first; equal bounds: lower index first (the tie rule of brute force).
    sealed class KeyComparer : IComparer<Key>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare(Key a, Key b)
        {
            int c = b.Value.CompareTo(a.Value);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        }
    }
}
