using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.MySql.Values;
using OmsSync.Engine.Postgres.Apply;
using OmsSync.Engine.Postgres.Schema;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.Postgres.Verification;

/// <summary>
/// PostgreSQL as verification meets it (<see cref="IVerificationSide"/>): MD5 is its digest (no SHA1 without pgcrypto),
/// every value compared in its canonical form. As the target of a repair it deletes the row by its key and inserts the
/// source row (values in each type's input syntax, bytea as hex), the identity column's value included.
/// </summary>
internal sealed class PostgresVerificationSide(PostgresEndpoint endpoint) : IVerificationSide, IRepairTarget
{
    private readonly ConditionalWeakTable<TableComparePlan, PostgresCompareSql[]> _sql = new();

    public DataSource Source => endpoint.Source;

    public bool Computes(RowHash hash) => hash == RowHash.Md5;

    public bool StoresLike(IVerificationSide other) => false; // PostgreSQL meets only MySQL-family servers

    public ValueForm StoredForm(ColumnSchema column) => throw new NotSupportedException("PostgreSQL values are compared in their canonical form.");

    public ValueForm FormOf(TableSchema table, ColumnSchema column) => PostgresCompareSql.FormOf(column);

    public async Task<IVerificationSession> OpenAsync(CancellationToken cancellationToken) =>
        new PostgresVerificationSession(this, await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false));

    public Exception Translate(Exception error) => error is NpgsqlException n ? endpoint.Translate(n) : error;

    public PostgresCompareSql Sql(TableComparePlan plan, Side side) =>
        _sql.GetValue(plan, p => [new PostgresCompareSql(p, Side.Source), new PostgresCompareSql(p, Side.Target)])[(int)side];

    public IEnumerable<string> Replace(TableComparePlan plan, Side side, RepairColumns columns, string key, byte[]?[] row) =>
        [Delete(plan, side, key), Insert(plan, side, columns, row)];

    public string Delete(TableComparePlan plan, Side side, string key)
    {
        var sql = Sql(plan, side);
        var values = KeyTuple.Deserialize(key);
        return $"DELETE FROM {sql.Name} WHERE {sql.KeyRow} = ({string.Join(", ", values.Select((v, i) => PostgresSyntax.QuoteString(sql.Input(i, v))))}) AND {sql.Filter}";
    }

    public string Insert(TableComparePlan plan, Side side, RepairColumns columns, byte[]?[] row)
    {
        var sql = Sql(plan, side);
        // The row holds the written columns (RepairColumns): a generated column the target computes is left to it.
        var written = plan.Written;
        var names = string.Join(", ", written.Select(c => PostgresSyntax.QuoteIdentifier(c.SchemaOf(side).Name)));
        var values = new StringBuilder();
        for (var i = 0; i < row.Length; i++)
        {
            if (i > 0) values.Append(", ");
            var (column, from) = (written[i].SchemaOf(side), written[i].SchemaOf(side == Side.Target ? Side.Source : Side.Target));
            if (row[i] is not { } value) values.Append("NULL");
            else if (Read(from, value) is { } read) new PostgresLiterals(plan.Mapping.Source, from, column).Append(values, read);
            else if (column.DataType == "bytea") values.Append(@"'\x").Append(Convert.ToHexString(value)).Append('\'');
            else PostgresSyntax.AppendString(values, Encoding.UTF8.GetString(value));
        }
        return $"INSERT INTO {sql.Name} ({names}) OVERRIDING SYSTEM VALUE VALUES ({values})";
    }

    /// <summary>
    /// A MySQL-family value as the full copy reads it (<see cref="Copy.PostgresColumnTransfer"/>), as the change stream
    /// gives it, for the types whose PostgreSQL literal depends on the column it goes to: geometries (SRID + WKB), SETs
    /// (their text), INET4 and INET6 (their bytes). Null for the others, written as their text.
    /// </summary>
    private static object? Read(ColumnSchema mysql, byte[] value) => mysql.DataType switch
    {
        _ when SpatialTypes.IsSpatial(mysql) => new MySqlGeometry(value),
        "set" => new MySqlSet(0, Encoding.UTF8.GetString(value)),
        "inet4" or "inet6" => value,
        _ => null,
    };

    public string DeleteCopies(TableComparePlan plan, Side side, ulong hash, long count)
    {
        var sql = Sql(plan, side);
        return $"DELETE FROM {sql.Name} WHERE ctid IN (SELECT ctid FROM {sql.Name} WHERE {sql.Hash} = {PostgresCompareSql.Signed(hash)} AND {sql.Filter} LIMIT {count})";
    }

    public async Task ApplyAsync(IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        await using var target = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        await RepairBatches.RunAsync(target, statements, cancellationToken).ConfigureAwait(false);
    }

    public IReadOnlyList<string> ScriptPreamble => ["SET client_encoding = 'UTF8'", "SET standard_conforming_strings = on", "SET TimeZone = 'UTC'"];

    public string BeginTransaction => "BEGIN";

}
