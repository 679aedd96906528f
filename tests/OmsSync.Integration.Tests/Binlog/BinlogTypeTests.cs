using OmsSync.Engine.Changes;
using System.Globalization;
using MySqlConnector;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Values;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Binlog;

/// <summary>
/// Every column type, with edge values, decoded from the binlog and compared with what the server
/// reports for the stored row. Run once with the server's default minimal table maps (schema from
/// information_schema) and once with binlog_row_metadata=FULL and no schema at all.
/// </summary>
public sealed class BinlogTypeTests
{
    private const string Table = """
        CREATE TABLE types (
          id INT PRIMARY KEY,
          ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
          mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
          f FLOAT, d DOUBLE,
          dec65 DECIMAL(65,30), dec10 DECIMAL(10,2), dec55 DECIMAL(5,5), dec18 DECIMAL(18,0), dec40 DECIMAL(40,9),
          dt DATE, tm TIME, tm3 TIME(3), tm6 TIME(6), dtm DATETIME, dtm2 DATETIME(2), dtm6 DATETIME(6),
          ts TIMESTAMP NULL DEFAULT NULL, ts6 TIMESTAMP(6) NULL DEFAULT NULL, yr YEAR,
          b1 BIT(1), b10 BIT(10), b64 BIT(64),
          e ENUM('a','b','c d','é'), s SET('x','y','z'), el ENUM('x','ÿ') CHARACTER SET latin1, sl SET('ä','ö') CHARACTER SET latin1,
          vc VARCHAR(50) CHARACTER SET utf8mb4, vcl VARCHAR(50) CHARACTER SET latin1,
          c CHAR(10) CHARACTER SET utf8mb4, cl CHAR(10) CHARACTER SET latin1, c255 CHAR(255) CHARACTER SET utf8mb4,
          vclong VARCHAR(1000) CHARACTER SET utf8mb4,
          bin BINARY(4), vbin VARBINARY(20),
          ttx TINYTEXT, tx TEXT, mtx MEDIUMTEXT CHARACTER SET latin1, ltx LONGTEXT,
          tbl TINYBLOB, bl BLOB, mbl MEDIUMBLOB, lbl LONGBLOB,
          j JSON, g GEOMETRY, pt POINT
        )
        """;

    private const string Rows = """
        SET SESSION sql_mode = '', time_zone = '+00:00';
        INSERT INTO types VALUES
        (1, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
         3.402823466e38, 1.7976931348623157e308,
         '99999999999999999999999999999999999.999999999999999999999999999999', 12345678.91, 0.99999, 999999999999999999,
         '1234567890123456789012345678901.123456789',
         '9999-12-31', '838:59:59', '838:59:59.999', '838:59:59.999999', '9999-12-31 23:59:59', '2024-01-01 00:00:00.99',
         '2024-02-29 13:14:15.123456', '2038-01-19 03:14:07', '2024-06-01 12:00:00.654321', 2155,
         1, b'1010101010', b'1111111111111111111111111111111111111111111111111111111111111111',
         'c d', 'x,z', 'ÿ', 'ä,ö',
         '😀 héllo 中文', 'café ÿ', 'ab', 'é', REPEAT('€', 255), REPEAT('ü', 600),
         'ab', 0x00FF00, 'tiny 😀', 'text ✓', 'latin ÿ', REPEAT('long ', 1000),
         0x00, 0x0001FF, REPEAT(0xAB, 70000), 0xDEADBEEF,
         '{"a": [1, 2.5, "x"], "b": null}', ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))', 4326), POINT(1.5, -2.25)),
        (2, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
         -1.17549435e-38, -2.5e-300,
         '-99999999999999999999999999999999999.999999999999999999999999999999', -0.01, -0.00001, -1,
         '-0.000000001',
         '1000-01-01', '-838:59:59', '-00:00:00.001', '-838:59:59.999999', '1000-01-01 00:00:00', '1000-01-01 00:00:00.01',
         '1970-01-01 00:00:00.000001', '1970-01-01 00:00:01', '1970-01-01 00:00:01.000001', 1901,
         0, 0, 0,
         'é', '', 'x', 'ö',
         '', '', '', '', '', '',
         0x00000000, '', '', '', '', '',
         '', '', '', '',
         '[]', POINT(0, 0), POINT(-1, 1)),
        (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         '0000-00-00', '00:00:00', '-01:00:00.5', '12:00:00.000001', '0000-00-00 00:00:00', '2024-00-00 00:00:00',
         '2024-00-15 10:00:00.5', '0000-00-00 00:00:00', '0000-00-00 00:00:00', 0,
         0, 1, 1, 'b', 'x,y,z', NULL, '',
         'x', 'y', 'trailing  ', 'z', 'w', 'v',
         'a', 'b', 'c', 'd', 'e', 'f', 0x01, 0x02, 0x03, 0x04,
         '"str"', NULL, NULL),
        (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, NULL, NULL, NULL, NULL);
        """;

    [Fact]
    public Task EveryTypeDecodesWithSchemaFromInformationSchema() => RunAsync(fullMetadata: false);

    [Fact]
    public Task EveryTypeDecodesFromFullRowMetadataWithoutSchema() => RunAsync(fullMetadata: true);

    private static async Task RunAsync(bool fullMetadata)
    {
        await using var db = await BinlogTestDatabase.CreateAsync(fullMetadata ? "bl_typesfull" : "bl_types");
        await db.ExecuteAsync(Table);
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        if (fullMetadata) await TestServers.ExecuteAsync(BinlogTestDatabase.Server, "SET GLOBAL binlog_row_metadata = 'FULL'");
        try
        {
            await using (var connection = await db.OpenAsync())
            {
                // binlog_row_metadata is read per session at connect time.
                await using var insert = new MySqlCommand(Rows, connection);
                await insert.ExecuteNonQueryAsync();
            }
        }
        finally
        {
            if (fullMetadata) await TestServers.ExecuteAsync(BinlogTestDatabase.Server, "SET GLOBAL binlog_row_metadata = 'NO_LOG'");
        }

        var options = BinlogTestDatabase.Options();
        var all = await BinlogTestDatabase.ReadUntilAsync(start, r => db.Mine(r).Count >= 1,
            schemas: fullMetadata ? new NoSchema() : new InformationSchemaProvider(options), options: options);
        var rows = db.Mine(all).Single().Changes.Cast<RowChange>().ToList();
        Assert.Equal(4, rows.Count);

        var columns = rows[0].ColumnNames;
        Assert.All(columns, Assert.NotNull);
        var expected = await ReferenceAsync(db, columns!);
        var failures = new List<string>();
        for (var r = 0; r < rows.Count; r++)
        {
            Assert.Equal(RowChangeKind.Insert, rows[r].Kind);
            for (var c = 0; c < columns.Count; c++)
            {
                var actual = Render(rows[r].After![c]);
                if (actual != expected[r][c]) failures.Add($"row {r + 1} {columns[c]}: binlog {actual ?? "NULL"} <> server {expected[r][c] ?? "NULL"}");
            }
            // Decoded text equals what the client library decodes for the text columns.
            foreach (var name in new[] { "vc", "vcl", "c", "cl", "c255", "vclong", "ttx", "tx", "mtx", "ltx" })
            {
                var index = columns.ToList().IndexOf(name);
                var text = rows[r].After![index]?.ToString();
                if (text != expected[r][columns.Count + Array.IndexOf(TextColumns, name)])
                    failures.Add($"row {r + 1} {name}: decoded text '{Shorten(text)}' differs from the server's");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static readonly string[] TextColumns = ["vc", "vcl", "c", "cl", "c255", "vclong", "ttx", "tx", "mtx", "ltx"];

    private static string? Shorten(string? text) => text is { Length: > 40 } ? text[..40] + "..." : text;

    /// <summary>The server's own rendering of each stored value, in the same form <see cref="Render"/> gives decoded values.</summary>
    private static async Task<List<string?[]>> ReferenceAsync(BinlogTestDatabase db, IReadOnlyList<string?> columns)
    {
        var expressions = columns.Select(name => name switch
        {
            "f" => "CAST(`f` AS DOUBLE)", // the text protocol rounds FLOAT to 6 digits; widening is exact
            "d" => "`d`",
            "b1" or "b10" or "b64" => $"CAST(`{name}` AS UNSIGNED)",
            "e" or "s" or "el" or "sl" => $"CONCAT(`{name}` + 0, ':', `{name}`)",
            "vc" or "vcl" or "c" or "cl" or "c255" or "vclong" or "ttx" or "tx" or "mtx" or "ltx" or "j" =>
                $"CONCAT(CHARSET(`{name}`), ':', HEX(`{name}`))",
            "bin" or "vbin" or "tbl" or "bl" or "mbl" or "lbl" or "g" or "pt" => $"HEX(`{name}`)",
            _ => $"CAST(`{name}` AS CHAR)",
        }).Concat(TextColumns.Select(n => $"`{n}`"));
        await using var connection = await db.OpenAsync();
        await using (var tz = new MySqlCommand("SET time_zone = '+00:00'", connection)) await tz.ExecuteNonQueryAsync();
        await using var command = new MySqlCommand($"SELECT {string.Join(", ", expressions)} FROM types ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                {
                    float f => f.ToString("R", CultureInfo.InvariantCulture),
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    byte[] b => System.Text.Encoding.UTF8.GetString(b),
                    var v => Convert.ToString(v, CultureInfo.InvariantCulture),
                };
            }
            result.Add(row);
        }
        return result;
    }

    private static string? Render(object? value) => value switch
    {
        null => null,
        long or ulong => Convert.ToString(value, CultureInfo.InvariantCulture),
        float f => ((double)f).ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        int year => year == 0 ? "0000" : year.ToString(CultureInfo.InvariantCulture),
        MySqlBit bit => bit.Value.ToString(CultureInfo.InvariantCulture),
        MySqlEnum e => $"{e.Index}:{e.Text}",
        MySqlSet s => $"{s.Bits}:{s.Text}",
        MySqlText t => $"{t.Charset}:{Convert.ToHexString(t.Bytes.Span)}",
        byte[] b => Convert.ToHexString(b),
        OmsSync.Engine.MySql.Values.MySqlGeometry g => Convert.ToHexString(g.Bytes.Span),
        _ => value.ToString(),
    };

    private sealed class NoSchema : IBinlogSchemaProvider
    {
        public ValueTask<OmsSync.Engine.Model.TableSchema?> GetTableAsync(string database, string table, BinlogPosition position, CancellationToken cancellationToken) =>
            ValueTask.FromResult<OmsSync.Engine.Model.TableSchema?>(null);

        public ValueTask OnDdlAsync(string database, string statement, BinlogPosition position, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
