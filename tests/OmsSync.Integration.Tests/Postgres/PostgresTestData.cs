namespace OmsSync.Integration.Tests.Postgres;

/// <summary>Tables with every type of the MySQL/PostgreSQL type map, and rows of edge values inside each type's shared domain.</summary>
public static class PostgresTestData
{
    /// <summary>A MariaDB table with every MySQL type that maps to PostgreSQL.</summary>
    public const string MySqlTable = """
        CREATE TABLE pg_types (
          id   INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
          ti   TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT, mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED,
          bi   BIGINT, bu BIGINT UNSIGNED, flag TINYINT(1) NOT NULL DEFAULT 1,
          de   DECIMAL(65,30), dn DECIMAL(10,0), fl FLOAT, db DOUBLE,
          dt   DATETIME(6), dt0 DATETIME, ts TIMESTAMP(6) NULL DEFAULT NULL, d DATE, t TIME(6), y YEAR,
          b1   BIT(1), b64 BIT(64),
          e    ENUM('a','b','c d') DEFAULT 'b', s SET('x','y','z'),
          j    JSON, bl LONGBLOB, vb VARBINARY(40), bn BINARY(4), tx TEXT, l1 VARCHAR(40) CHARACTER SET latin1, u4 VARCHAR(40) CHARACTER SET utf8mb4,
          ch   CHAR(5) COMMENT 'fixed width', u UUID, note VARCHAR(20) NOT NULL DEFAULT 'it''s',
          UNIQUE KEY uk_u4 (u4), KEY k_dt (dt, d DESC)
        ) DEFAULT CHARSET=utf8mb4 COMMENT 'every mapped type'
        """;

    public const string MySqlRows = """
        SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
        SET time_zone = '+00:00';
        INSERT INTO pg_types (ti, tu, si, su, mi, mu, i, iu, bi, bu, flag, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, vb, bn, tx, l1, u4, ch, u) VALUES
         (-128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, 0,
          99999999999999999999999999999999999.999999999999999999999999999999, -9999999999, 0.1234567, 0.30000000000000004,
          '9999-12-31 23:59:59.999999', '1000-01-01 00:00:00', '2038-01-19 03:14:07.999999', '1000-01-01', '23:59:59.999999', 1901,
          b'1', b'1111111111111111111111111111111111111111111111111111111111111111',
          'c d', 'x,z', '{"k": [1, 2.5, "x\\"y"], "u": "\\u00e9"}', X'00FF5C090A0D', X'000102', X'00000001', 'tab\there\nnewline \\ back', 'café ÿ', '😀 emoji 𝄞 ♥',
          'ab', '123e4567-e89b-12d3-a456-426614174000'),
         (127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0, 1,
          -99999999999999999999999999999999999.999999999999999999999999999999, 0, -3.4028235e38, -1.7976931348623157e308,
          '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', '1970-01-01 00:00:01.000001', '0000-00-00', '00:00:00.000000', 2155,
          b'0', b'0', 'a', '', '[]', X'', X'', X'FFFFFFFF', '', '', '', '', '00000000-0000-0000-0000-000000000000'),
         (0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0.000000000000000000000000000001, 1, 1e-38, 4.9e-324,
          '2024-02-29 12:34:56.000001', '2024-01-01 00:00:00', NULL, '2024-02-29', '00:00:00.000001', 0,
          NULL, b'101', NULL, 'x,y,z', 'null', NULL, NULL, NULL, 'line1\r\nline2', 'x', NULL, 'a b', NULL),
         (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
          NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        """;

    /// <summary>
    /// The columns of <see cref="MySqlTable"/> that come back from PostgreSQL by a task of its own: all but the SET, a text[]
    /// there, and PostgreSQL arrays are not migrated to MySQL (a bidirectional task's way back writes them into the SET).
    /// </summary>
    public static IReadOnlyList<(string Name, string Type)> ComingBack(IEnumerable<(string Name, string Type)> columns) =>
        columns.Where(c => c.Name != "s").ToList();

    /// <summary>The SET column of <see cref="MySqlRows"/> on PostgreSQL, row by row.</summary>
    public static readonly string[] SetArrays = ["{x,z}", "{}", "{x,y,z}", "NULL"];

    /// <summary>The PostgreSQL type each column of <see cref="MySqlTable"/> gets (format_type), in column order.</summary>
    public static readonly string[] MappedTypes =
    [
        "integer", "smallint", "smallint", "smallint", "integer", "integer", "integer", "integer", "bigint",
        "bigint", "numeric(20,0)", "smallint",
        "numeric(65,30)", "numeric(10,0)", "real", "double precision",
        "timestamp(6) without time zone", "timestamp(0) without time zone", "timestamp(6) with time zone", "date", "time(6) without time zone", "smallint",
        "bit varying(1)", "bit varying(64)",
        "pg_types_e", "text[]",
        "jsonb", "bytea", "bytea", "bytea", "text", "character varying(40)", "character varying(40)",
        "character(5)", "uuid", "character varying(20)",
    ];
}
