using System.Buffers.Binary;
using System.Text;
using OmsSync.Engine.Errors;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;

namespace OmsSync.Engine.Postgres.Copy;

/// <summary>
/// A chunk in PostgreSQL's binary COPY format: the file header, then per row the field count and each field as its
/// length (-1 for NULL) and its binary value (<see cref="PostgresBinaryField"/>). The server reads it without parsing
/// text; the writer sends it as it is and ends it with the trailer. A value the mapped type cannot hold stops the
/// chunk here, in the reader, with an error naming table, column, the row's key and value, before anything reaches the
/// target: the refusal waits for the row's end, when the row's key columns have all been read.
/// </summary>
internal sealed class PostgresCopyBuffer : ChunkBuffer
{
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0,
        0, 0, 0, 0, // flags: no OIDs
        0, 0, 0, 0]; // no header extension

    /// <summary>The end of the data: a field count of -1.</summary>
    public static readonly byte[] Trailer = [0xFF, 0xFF];

    private readonly IReadOnlyDictionary<string, TableSchema> _targets;
    private TableCopyPlan? _plan;
    private TableSchema? _target;
    private PostgresFieldKind[] _kinds = [];
    private uint[] _srids = [];
    private int _column;
    // Per column, its place in the source's row key (-1 for none); the current row's key values as read.
    private int[] _keyPlaces = [];
    private string?[] _key = [];
    private OmsException? _refused;

    /// <param name="targets">Each source table's (by "db.table") PostgreSQL table, whose column types the values are written in.</param>
    public PostgresCopyBuffer(IReadOnlyDictionary<string, TableSchema> targets) => _targets = targets;

    public override void Reset(TableCopyPlan plan)
    {
        if (!ReferenceEquals(plan, _plan))
        {
            _plan = plan;
            _target = _targets[plan.Mapping.Source];
            var columns = plan.Transfers.Select(t => _target.Column(t.Column.Name)).ToList();
            _kinds = plan.Transfers.Select((t, i) => PostgresBinaryField.KindOf(t.Column, columns[i])).ToArray();
            _srids = columns.Select(c => c.DataType == "geometry" ? SpatialTypes.DeclaredSrid(c.ColumnType) : 0).ToArray();
            var key = plan.Source.RowKey?.Columns.Select(c => c.Name).ToList() ?? [];
            _keyPlaces = plan.Transfers.Select(t => key.IndexOf(t.Column.Name)).ToArray();
            _key = new string?[key.Count];
        }
        _refused = null;
        Header.CopyTo(Buffer, 0);
        Filled = Header.Length;
        _column = 0;
        Rows = 0;
    }

    public override void WriteNull()
    {
        if (_keyPlaces[_column] is >= 0 and var place) _key[place] = null;
        StartField();
        BinaryPrimitives.WriteInt32BigEndian(Buffer.AsSpan(Filled), -1);
        Filled += 4;
    }

    public override void WriteValue(ReadOnlySpan<byte> value)
    {
        var (kind, srid) = (_kinds[_column], _srids[_column]);
        if (_keyPlaces[_column] is >= 0 and var place) _key[place] = Shown(_plan!.Transfers[_column].Column, value);
        StartField();
        Ensure(4 + PostgresBinaryField.MaxLength(kind, value.Length));
        int written;
        try
        {
            written = PostgresBinaryField.Encode(kind, value, Buffer.AsSpan(Filled + 4), srid);
        }
        catch (FormatException e)
        {
            // Held until the row's end, where its key is known; a NULL keeps the fields in step meanwhile.
            _refused ??= Refused(_column - 1, value, e.Message);
            BinaryPrimitives.WriteInt32BigEndian(Buffer.AsSpan(Filled), -1);
            Filled += 4;
            return;
        }
        BinaryPrimitives.WriteInt32BigEndian(Buffer.AsSpan(Filled), written);
        Filled += 4 + written;
    }

    public override void EndRow()
    {
        if (_refused is not null)
            throw NotRepresentable.WithKey(_refused, _key.Length == 0 ? null : NotRepresentable.Key(_plan!.Source.RowKey!.Columns.Select((c, i) => (MySqlSyntax.QuoteIdentifier(c.Name), _key[i]))));
        _column = 0;
        Rows++;
    }

    private void StartField()
    {
        Ensure(6);
        if (_column == 0)
        {
            BinaryPrimitives.WriteInt16BigEndian(Buffer.AsSpan(Filled), (short)_kinds.Length);
            Filled += 2;
        }
        _column++;
    }

    // Bytes (a geometry's SRID and WKB, a binary string) shown in hex, as MySQL's own tools show them; text as it is.
    private static string Shown(ColumnSchema column, ReadOnlySpan<byte> value) =>
        SpatialTypes.IsSpatial(column) || MySqlToPostgres.IsBinary(column) ? "0x" + Convert.ToHexString(value) : Encoding.UTF8.GetString(value);

    private OmsException Refused(int column, ReadOnlySpan<byte> value, string why)
    {
        var plan = _plan!;
        var source = plan.Transfers[column].Column;
        var text = Shown(source, value);
        var type = _target!.Column(source.Name).ColumnType;
        return NotRepresentable.InPostgres(MySqlSyntax.QuoteQualified(plan.Source.Database, plan.Source.Name), MySqlSyntax.QuoteIdentifier(source.Name), text, type, why);
    }
}
