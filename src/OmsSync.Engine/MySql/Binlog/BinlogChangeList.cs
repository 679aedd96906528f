using OmsSync.Engine.Changes.Spill;
using OmsSync.Engine.Changes;
using System.Buffers;
using System.Collections;
using OmsSync.Engine.MySql.Binlog.Spill;

namespace OmsSync.Engine.MySql.Binlog;

/// <summary>
/// The changes of one source transaction, in order. Decoded row changes are held in memory while the reader's
/// memory budget allows; from the first rows event that does not fit, the rest of the transaction's rows wait
/// still encoded in a spill file and are decoded again, a piece at a time, as they are enumerated. So a
/// transaction of any size can be read and applied in bounded memory. Dispose gives the memory back to the
/// budget and deletes the file; the list is empty afterwards.
/// </summary>
public sealed class BinlogChangeList : IChangeList
{
    // Rough managed sizes of a decoded row change: the change object and its list slot, each image's array,
    // each value (a boxed number or a small object with its bytes); plus the encoded bytes, which text and binary values copy.
    private const int RowBytes = 96;
    private const int ImageBytes = 32;
    private const int ValueBytes = 40;
    // Consecutive spilled events of one shape are read back and decoded together, up to this many bytes.
    private const int SegmentBytes = 256 << 10;

    private readonly TransactionSpillOptions _options;
    private readonly ChangeMemoryBudget _budget;
    private readonly List<SourceChange> _memory = [];
    private readonly List<SpillSegment> _spilled = [];
    private readonly HashSet<(string Database, string Table)> _tables = [];
    private SpillFile? _file;
    private long _charged;
    private int _count;
    private DecodedSegment? _lastRead;

    internal BinlogChangeList(TransactionSpillOptions options, ChangeMemoryBudget budget)
    {
        _options = options;
        _budget = budget;
    }

    public int Count => _count;

    /// <summary>How many of the changes wait in the spill file rather than in memory.</summary>
    public int SpilledCount { get; private set; }

    /// <summary>True when a DDL statement is among the changes (known without reading spilled rows).</summary>
    public bool ContainsDdl { get; private set; }

    /// <summary>True when rows of the table are among the changes (known without reading spilled rows).</summary>
    public bool HasRowsOf(string database, string table) => _tables.Contains((database, table));

    public SourceChange this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index));
            if (index < _memory.Count) return _memory[index];
            var segment = FindSegment(index);
            if (segment.Change is { } change) return change;
            var last = _lastRead;
            if (last is null || last.Segment != segment) _lastRead = last = new DecodedSegment(segment, Read(segment));
            return last.Rows[index - segment.First];
        }
    }

    public IEnumerator<SourceChange> GetEnumerator()
    {
        foreach (var change in _memory) yield return change;
        foreach (var segment in _spilled)
        {
            if (segment.Change is { } change)
            {
                yield return change;
                continue;
            }
            foreach (var row in Read(segment)) yield return row;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Adds a change that is not rows (a DDL or a statement); these always stay in memory.</summary>
    internal void Add(SourceChange change)
    {
        ContainsDdl |= change is DdlChange;
        if (_spilled.Count == 0) _memory.Add(change);
        else _spilled.Add(new SpillSegment { First = _count, Count = 1, Change = change });
        _count++;
    }

    /// <summary>Adds the rows of one rows event: decoded in memory if the budget allows, else their encoded images to the spill file.</summary>
    internal void AddRows(RowsShape shape, ReadOnlySpan<byte> images, List<(object?[]? Before, object?[]? After)> decoded)
    {
        if (decoded.Count == 0) return;
        _tables.Add(shape.Table);
        if (_spilled.Count == 0)
        {
            var imageCount = decoded.Sum(r => (r.Before is null ? 0 : 1) + (r.After is null ? 0 : 1));
            var estimate = (long)decoded.Count * RowBytes + (long)imageCount * (ImageBytes + shape.ColumnCount * ValueBytes) + images.Length;
            // One transaction keeps at most half the budget, so the small ones queued behind a large one still fit.
            if (_charged + estimate <= _budget.LimitBytes / 2 && _budget.TryTake(estimate))
            {
                _charged += estimate;
                foreach (var (before, after) in decoded) _memory.Add(shape.Change(before, after));
                _count += decoded.Count;
                return;
            }
        }
        _file ??= SpillFile.Create(_options.Directory);
        var offset = _file.Append(images);
        if (_spilled.Count > 0 && _spilled[^1] is { Shape: { } lastShape } last && lastShape.Matches(shape) && last.Length + images.Length <= SegmentBytes)
        {
            last.Length += images.Length;
            last.Count += decoded.Count;
        }
        else
        {
            _spilled.Add(new SpillSegment { First = _count, Count = decoded.Count, Shape = shape, Offset = offset, Length = images.Length });
        }
        _count += decoded.Count;
        SpilledCount += decoded.Count;
    }

    /// <summary>No more changes will be added: the spill file is complete and may be read.</summary>
    internal void Seal() => _file?.Seal();

    private SpillSegment FindSegment(int index)
    {
        int low = 0, high = _spilled.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (_spilled[middle].First <= index) low = middle;
            else high = middle - 1;
        }
        return _spilled[low];
    }

    private List<RowChange> Read(SpillSegment segment)
    {
        var file = _file ?? throw new ObjectDisposedException(nameof(BinlogChangeList));
        var buffer = ArrayPool<byte>.Shared.Rent(segment.Length);
        try
        {
            var images = buffer.AsSpan(0, segment.Length);
            file.Read(segment.Offset, images);
            var rows = segment.Shape!.DecodeImages(images);
            if (rows.Count != segment.Count)
                throw new InvalidDataException($"The spill file gave {rows.Count} rows where {segment.Count} were written.");
            return rows.Select(r => segment.Shape.Change(r.Before, r.After)).ToList();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        _budget.Release(_charged);
        _charged = 0;
        _file?.Dispose();
        _file = null;
        _memory.Clear();
        _spilled.Clear();
        _tables.Clear();
        _lastRead = null;
        _count = 0;
        SpilledCount = 0;
    }

    private sealed class SpillSegment
    {
        public required int First { get; init; }
        public int Count { get; set; }
        /// <summary>A change that is not rows, kept in memory at its place in the order.</summary>
        public SourceChange? Change { get; init; }
        public RowsShape? Shape { get; init; }
        public long Offset { get; init; }
        public int Length { get; set; }
    }

    private sealed record DecodedSegment(SpillSegment Segment, List<RowChange> Rows);
}
