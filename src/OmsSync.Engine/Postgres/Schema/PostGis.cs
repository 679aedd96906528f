using Npgsql;
using OmsSync.Engine.Model;

namespace OmsSync.Engine.Postgres.Schema;

/// <summary>
/// What OmsSync asks of PostGIS: whether a database has it (its geometry type reachable by the connection's search
/// path), and the SQL that reads a geometry in MySQL's form, its SRID (4 bytes, little-endian) followed by its WKB, from
/// a geometry column or from a bytea holding EWKB (where the target database has no PostGIS). That form is what a
/// MySQL-family server stores, so both sides compare the same bytes and a MySQL target takes them as they are.
/// </summary>
internal static class PostGis
{
    public static async Task<bool> InstalledAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis') AND to_regtype('geometry') IS NOT NULL", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public static async Task<bool> InstalledAsync(PostgresEndpoint endpoint, CancellationToken cancellationToken)
    {
        await using var connection = await endpoint.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await InstalledAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A geometry or EWKB value of <paramref name="column"/>, read from <paramref name="operand"/>, in MySQL's form (NULL stays NULL).</summary>
    public static string MySqlForm(ColumnSchema column, string operand)
    {
        if (column.DataType == "geometry")
        {
            var srid = $"int4send(ST_SRID({operand}))";
            return $"(substring({srid} from 4 for 1) || substring({srid} from 3 for 1) || substring({srid} from 2 for 1) || substring({srid} from 1 for 1) " +
                   $"|| ST_AsBinary({operand}, 'NDR'))";
        }
        // EWKB as OmsSync writes it, little-endian: the SRID flag is bit 5 of the type word's last byte, the SRID the 4 bytes after it.
        var b = operand;
        return $@"(CASE WHEN length({b}) < 5 THEN {b} WHEN get_byte({b}, 0) <> 1 THEN {b} WHEN get_byte({b}, 4) & 32 = 0 THEN '\x00000000'::bytea || {b} " +
               $"WHEN length({b}) < 9 THEN {b} " +
               $"ELSE substring({b} from 6 for 4) || substring({b} from 1 for 4) || set_byte(substring({b} from 5 for 1), 0, get_byte({b}, 4) & 223) || substring({b} from 10) END)";
    }
}
