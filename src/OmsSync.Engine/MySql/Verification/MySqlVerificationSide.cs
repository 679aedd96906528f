using System.Runtime.CompilerServices;
using System.Text;
using MySqlConnector;
using OmsSync.Engine.MySql.Apply;
using OmsSync.Engine.MySql.Copy;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.FullLoad;
using OmsSync.Engine.Model;
using OmsSync.Engine.Verification;

namespace OmsSync.Engine.MySql.Verification;

/// <summary>
/// A MySQL-family server as verification meets it (<see cref="IVerificationSide"/>), and as the target of a repair:
/// REPLACE with the source row's values as the full copy writes them, DELETE by the exact key.
/// </summary>
internal sealed class MySqlVerificationSide(MySqlEndpoint endpoint) : IVerificationSide, IRepairTarget
{
    private readonly ConditionalWeakTable<TableComparePlan, MySqlCompareSql[]> _sql = new();

    public DataSource Source => endpoint.Source;

    // Whether the server has CRC32C(), learnt from the first session opened (until then it is not counted on).
    private bool? _crc32c;

    public bool Computes(RowHash hash) => hash != RowHash.Sha1Crc || _crc32c == true;

    public bool StoresLike(IVerificationSide other) => other is MySqlVerificationSide;

    public ValueForm StoredForm(ColumnSchema column) => MySqlCompareSql.StoredForm(column);

    public ValueForm FormOf(TableSchema table, ColumnSchema column) => MySqlCompareSql.FormOf(table, column);

    public async Task<IVerificationSession> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        _crc32c ??= HasCrc32C(connection.ServerVersion);
        return new MySqlVerificationSession(this, connection);
    }

    // CRC32C() came with MariaDB 10.8; MySQL has none. MariaDB 10 announces itself as "5.5.5-10.x.y-MariaDB...".
    internal static bool HasCrc32C(string serverVersion)
    {
        if (!serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase)) return false;
        var text = serverVersion.StartsWith("5.5.5-", StringComparison.Ordinal) ? serverVersion[6..] : serverVersion;
        return Version.TryParse(new string(text.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray()), out var version) && version >= new Version(10, 8);
    }

    public Exception Translate(Exception error) => error is MySqlException m ? endpoint.Translate(m) : error;

    /// <summary>The plan's SQL for one side, written once per plan.</summary>
    public MySqlCompareSql Sql(TableComparePlan plan, Side side) =>
        _sql.GetValue(plan, p => [new MySqlCompareSql(p, Side.Source), new MySqlCompareSql(p, Side.Target)])[(int)side];

    public IEnumerable<string> Replace(TableComparePlan plan, Side side, RepairColumns columns, string key, byte[]?[] row) =>
        [$"REPLACE INTO {Sql(plan, side).Table} ({ColumnList(columns)}) VALUES {InsertStatementBuilder.RowSql(columns.Copy, row)}"];

    public string Delete(TableComparePlan plan, Side side, string key)
    {
        var sql = Sql(plan, side);
        return $"DELETE FROM {sql.Table} WHERE {ExactKey(plan, side, KeyTuple.Deserialize(key))} AND {sql.Filter}";
    }

    public string Insert(TableComparePlan plan, Side side, RepairColumns columns, byte[]?[] row) =>
        $"INSERT INTO {Sql(plan, side).Table} ({ColumnList(columns)}) VALUES {InsertStatementBuilder.RowSql(columns.Copy, row)}";

    public string DeleteCopies(TableComparePlan plan, Side side, ulong hash, long count)
    {
        var sql = Sql(plan, side);
        return $"DELETE FROM {sql.Table} WHERE {sql.Hash} = {hash} AND {sql.Filter} LIMIT {count}";
    }

    public async Task ApplyAsync(IReadOnlyList<string> statements, CancellationToken cancellationToken)
    {
        await using var target = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var session = new MySqlCommand("SET foreign_key_checks = 0", target))
            await session.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await RepairBatches.RunAsync(target, statements, cancellationToken).ConfigureAwait(false);
    }

    public IReadOnlyList<string> ScriptPreamble =>
        ["SET NAMES utf8mb4", "SET time_zone = '+00:00'", "SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION'", "SET foreign_key_checks = 0"];

    public string BeginTransaction => "START TRANSACTION";

    private static string ColumnList(RepairColumns columns) =>
        string.Join(", ", columns.Copy.Transfers.Select(t => MySqlSyntax.QuoteIdentifier(t.Column.Name)));

    // The key by value (index lookup), and text key columns also by their exact bytes: a case-insensitive 'A' is not 'a'.
    private string ExactKey(TableComparePlan plan, Side side, IReadOnlyList<string?> values)
    {
        var condition = new StringBuilder(Sql(plan, side).Key!.EqualLiteral(values));
        for (var i = 0; i < plan.KeyIndexes.Count; i++)
        {
            var column = plan.Columns[plan.KeyIndexes[i]].SchemaOf(side);
            if (ChunkKey.IsBinary(column) || column.Charset is null || column.DataType is "enum" or "set") continue;
            condition.Append($" AND CAST(CONVERT({MySqlSyntax.QuoteIdentifier(column.Name)} USING utf8mb4) AS BINARY) = CAST(");
            SqlLiterals.Append(condition, values[i]);
            condition.Append(" AS BINARY)");
        }
        return condition.ToString();
    }
}
