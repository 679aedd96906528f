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
/// chunk here, in the reader, with an error naming table, column and value, before anything reaches the target.
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
        }
        Header.CopyTo(Buffer, 0);
        Filled = Header.Length;
        _column = 0;
        Rows = 0;
    }

    public override void WriteNull()
    {
        StartField();
        BinaryPrimitives.WriteInt32BigEndian(Buffer.AsSpan(Filled), -1);
        Filled += 4;
    }

    public override void WriteValue(ReadOnlySpan<byte> value)
    {
        var (kind, srid) = (_kinds[_column], _srids[_column]);
        StartField();
        Ensure(4 + PostgresBinaryField.MaxLength(kind, value.Length));
        int written;
        try
        {
            written = PostgresBinaryField.Encode(kind, value, Buffer.AsSpan(Filled + 4), srid);
        }
        catch (FormatException e)
        {
            throw Refused(_column - 1, value, e.Message);
        }
        BinaryPrimitives.WriteInt32BigEndian(Buffer.AsSpan(Filled), written);
        Filled += 4 + written;
    }

    public override void EndRow()
    {
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

    private OmsException Refused(int column, ReadOnlySpan<byte> value, string why)
    {
        var plan = _plan!;
        var source = plan.Transfers[column].Column;
        // A geometry is bytes: shown as its SRID and WKB in hex, as MySQL's own tools show it.
        var text = SpatialTypes.IsSpatial(source) ? "0x" + Convert.ToHexString(value) : Encoding.UTF8.GetString(value);
        var name = MySqlSyntax.QuoteQualified(plan.Source.Database, plan.Source.Name);
        var type = _target!.Column(source.Name).ColumnType;
        return new OmsException("ValueNotRepresentable", OmsErrorKind.DataError, plan.Mapping.Source,
            $"Table {name}, column {MySqlSyntax.QuoteIdentifier(plan.Transfers[column].Column.Name)}: the value '{(text.Length > 80 ? text[..80] + "..." : text)}' " +
            $"cannot be stored in PostgreSQL's {type}: {why} Change the value on the source, or leave the column out with -Column.");
    }
}
