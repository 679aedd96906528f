using System.Buffers.Binary;
using System.Collections;
using System.Text;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Changes.Spill;

namespace OmsSync.Engine.Postgres.Logical;

/// <summary>
/// The changes of one PostgreSQL transaction, in order, with their values in PostgreSQL's text. They are held in memory
/// while the reader's memory budget allows; from the first that does not fit, the rest wait in a spill file and are
/// read back, in segments, as they are enumerated. So a transaction of any size is read and applied in bounded memory.
/// Dispose gives the memory back and deletes the file.
/// </summary>
internal sealed class PostgresChangeList : IChangeList
{
    // Rough managed sizes of a row change held in memory: the change and its images, a string per value (two bytes a character).
    private const int RowBytes = 96;
    private const int ImageBytes = 32;
    private const int ValueBytes = 40;
    private const int SegmentRows = 2_000;

    private readonly TransactionSpillOptions _options;
    private readonly ChangeMemoryBudget _budget;
    private readonly List<SourceChange> _memory = [];
    private readonly List<(long Offset, int Length, int Rows)> _segments = [];
    private readonly List<Relation> _relations = [];
    private readonly Dictionary<Relation, int> _relationIndex = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<(string, string)> _tables = [];
    private readonly MemoryStream _pending = new();
    private int _pendingRows;
    private SpillFile? _file;
    private long _charged;
    private int _count;

    public PostgresChangeList(TransactionSpillOptions options, ChangeMemoryBudget budget)
    {
        _options = options;
        _budget = budget;
    }

    /// <summary>A table as the stream described it: its names and columns.</summary>
    public sealed record Relation(string Schema, string Table, IReadOnlyList<string?> Columns);

    public int Count => _count;
    public int SpilledCount { get; private set; }
    public bool ContainsDdl { get; private set; }
    public bool HasRowsOf(string database, string table) => _tables.Contains((database, table));

    public SourceChange this[int index] => index < _memory.Count ? _memory[index] : this.Skip(index).First();

    public void AddTruncate(string schema, string table)
    {
        _tables.Add((schema, table));
        _count++;
        if (_file is null)
        {
            _memory.Add(new TruncateChange(schema, table));
            return;
        }
        // Among spilled rows it keeps its place in the file.
        SpilledCount++;
        Write(IndexOf(new Relation(schema, table, [])), Truncate, null, null);
        if (++_pendingRows >= SegmentRows) Flush();
    }

    /// <summary>The columns a table's rows arrive with from here on (a relation message inside the transaction).</summary>
    public void AddColumns(Relation relation)
    {
        ContainsDdl = true;
        _count++;
        if (_file is null)
        {
            _memory.Add(new ColumnsChange(relation.Schema, relation.Table, relation.Columns));
            return;
        }
        SpilledCount++;
        Write(IndexOf(relation), Columns, null, null);
        if (++_pendingRows >= SegmentRows) Flush();
    }

    // The kind bytes of a TRUNCATE and of a relation's columns in the spill file, beside the row kinds.
    private const RowChangeKind Truncate = (RowChangeKind)255;
    private const RowChangeKind Columns = (RowChangeKind)254;
    // Set on a row's kind byte when its before-image is not the whole old row.
    private const RowChangeKind PartBefore = (RowChangeKind)0x40;

    private int IndexOf(Relation relation)
    {
        if (!_relationIndex.TryGetValue(relation, out var index))
        {
            _relationIndex[relation] = index = _relations.Count;
            _relations.Add(relation);
        }
        return index;
    }

    /// <param name="wholeBefore">Whether the before-image is the whole old row (REPLICA IDENTITY FULL), not its key or nothing.</param>
    public void Add(Relation relation, RowChangeKind kind, object?[]? before, object?[]? after, bool wholeBefore)
    {
        _tables.Add((relation.Schema, relation.Table));
        if (_file is null)
        {
            var estimate = RowBytes + Size(before) + Size(after);
            // One transaction keeps at most half the budget, so the small ones queued behind a large one still fit.
            if (_charged + estimate <= _budget.LimitBytes / 2 && _budget.TryTake(estimate))
            {
                _charged += estimate;
                _memory.Add(new RowChange(kind, relation.Schema, relation.Table, relation.Columns, BeforeImage(kind, before, after), after, null) { WholeBefore = wholeBefore });
                _count++;
                return;
            }
            _file = SpillFile.Create(_options.Directory);
        }
        Write(IndexOf(relation), wholeBefore ? kind : kind | PartBefore, before, after);
        _count++;
        SpilledCount++;
        if (++_pendingRows >= SegmentRows) Flush();
    }

    /// <summary>No more changes will be added: what is spilled is on file and may be read.</summary>
    public void Seal()
    {
        Flush();
        _file?.Seal();
    }

    public IEnumerator<SourceChange> GetEnumerator()
    {
        foreach (var change in _memory) yield return change;
        foreach (var segment in _segments)
            foreach (var change in Read(segment))
                yield return change;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // An update that did not change the key comes without a before-image: its after-image stands for it.
    private static object?[]? BeforeImage(RowChangeKind kind, object?[]? before, object?[]? after) => before ?? (kind == RowChangeKind.Update ? after : null);

    private static int Size(object?[]? image) =>
        image is null ? 0 : ImageBytes + image.Sum(v => ValueBytes + (v is string s ? s.Length * 2 : 0));

    // Per row: kind, relation, then each image as a count (-1: none) and its values (0 NULL, 1 not sent, 2 text).
    private void Write(int relation, RowChangeKind kind, object?[]? before, object?[]? after)
    {
        Span<byte> number = stackalloc byte[4];
        _pending.WriteByte((byte)kind);
        BinaryPrimitives.WriteInt32LittleEndian(number, relation);
        _pending.Write(number);
        foreach (var image in new[] { before, after })
        {
            BinaryPrimitives.WriteInt32LittleEndian(number, image?.Length ?? -1);
            _pending.Write(number);
            if (image is null) continue;
            foreach (var value in image)
            {
                if (value is null) { _pending.WriteByte(0); continue; }
                if (value is ColumnNotLogged) { _pending.WriteByte(1); continue; }
                var bytes = Encoding.UTF8.GetBytes((string)value);
                _pending.WriteByte(2);
                BinaryPrimitives.WriteInt32LittleEndian(number, bytes.Length);
                _pending.Write(number);
                _pending.Write(bytes);
            }
        }
    }

    private void Flush()
    {
        if (_pendingRows == 0 || _file is null) return;
        var offset = _file.Append(_pending.GetBuffer().AsSpan(0, (int)_pending.Length));
        _segments.Add((offset, (int)_pending.Length, _pendingRows));
        _pending.SetLength(0);
        _pendingRows = 0;
    }

    private List<SourceChange> Read((long Offset, int Length, int Rows) segment)
    {
        var file = _file ?? throw new ObjectDisposedException(nameof(PostgresChangeList));
        var buffer = new byte[segment.Length];
        file.Read(segment.Offset, buffer);
        var rows = new List<SourceChange>(segment.Rows);
        var at = 0;
        for (var r = 0; r < segment.Rows; r++)
        {
            var kind = (RowChangeKind)buffer[at++];
            var relation = _relations[BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at))];
            at += 4;
            var before = Image(buffer, ref at);
            var after = Image(buffer, ref at);
            if (kind == Truncate)
            {
                rows.Add(new TruncateChange(relation.Schema, relation.Table));
                continue;
            }
            if (kind == Columns)
            {
                rows.Add(new ColumnsChange(relation.Schema, relation.Table, relation.Columns));
                continue;
            }
            var whole = (kind & PartBefore) == 0;
            kind &= ~PartBefore;
            rows.Add(new RowChange(kind, relation.Schema, relation.Table, relation.Columns, BeforeImage(kind, before, after), after, null) { WholeBefore = whole });
        }
        return rows;
    }

    private static object?[]? Image(byte[] buffer, ref int at)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at));
        at += 4;
        if (count < 0) return null;
        var image = new object?[count];
        for (var i = 0; i < count; i++)
        {
            switch (buffer[at++])
            {
                case 0: break;
                case 1: image[i] = ColumnNotLogged.Value; break;
                default:
                    var length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(at));
                    at += 4;
                    image[i] = Encoding.UTF8.GetString(buffer, at, length);
                    at += length;
                    break;
            }
        }
        return image;
    }

    public void Dispose()
    {
        _budget.Release(_charged);
        _charged = 0;
        _file?.Dispose();
        _file = null;
        _memory.Clear();
        _segments.Clear();
        _count = 0;
        SpilledCount = 0;
    }
}
