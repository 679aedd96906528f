namespace OmsSync.Integration.Tests.FullLoad;

/// <summary>A table with every MySQL type and rows of edge values, shared by the full and incremental tests.</summary>
public static class FullMigrationTestsData
{
    public const string AllTypesTable = """
        CREATE TABLE all_types (
          id   INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
          ti   TINYINT, tu TINYINT UNSIGNED, si SMALLINT, mi MEDIUMINT UNSIGNED, i INT, bi BIGINT, bu BIGINT UNSIGNED,
          de   DECIMAL(65,30), dn DECIMAL(10,0), fl FLOAT, db DOUBLE,
          dt   DATETIME(6), dt0 DATETIME, ts TIMESTAMP(6) NULL DEFAULT NULL, d DATE, t TIME(6), y YEAR,
          b1   BIT(1), b64 BIT(64),
          e    ENUM('a','b','c d'), s SET('x','y','z'),
          j    JSON, bl LONGBLOB, tx TEXT, l1 VARCHAR(40) CHARACTER SET latin1, u4 VARCHAR(40) CHARACTER SET utf8mb4,
          vb   VARBINARY(40), ch CHAR(5), g GEOMETRY, pt POINT
        ) DEFAULT CHARSET=utf8mb4
        """;

    public const string AllTypesRows = """
        SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION';
        SET time_zone = '+00:00';
        INSERT INTO all_types (ti, tu, si, mi, i, bi, bu, de, dn, fl, db, dt, dt0, ts, d, t, y, b1, b64, e, s, j, bl, tx, l1, u4, vb, ch, g, pt) VALUES
         (-128, 255, -32768, 16777215, -2147483648, -9223372036854775808, 18446744073709551615,
          99999999999999999999999999999999999.999999999999999999999999999999, -9999999999, 0.1234567, 0.30000000000000004,
          '9999-12-31 23:59:59.999999', '1000-01-01 00:00:00', '2038-01-19 03:14:07.999999', '1000-01-01', '-838:59:59.999999', 1901,
          b'1', b'1111111111111111111111111111111111111111111111111111111111111111',
          'c d', 'x,z', '{"k": [1, 2.5, "x\\"y"], "u": "\\u00e9"}', X'00FF5C090A0D', 'tab\there\nnewline \\ back', 'café ÿ', '😀 emoji 𝄞 ♥',
          X'000102', 'ab', ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))', 4326), ST_GeomFromText('POINT(1.5 -2.25)')),
         (127, 0, 32767, 0, 2147483647, 9223372036854775807, 0,
          -99999999999999999999999999999999999.999999999999999999999999999999, 0, -3.4028235e38, -1.7976931348623157e308,
          '0000-00-00 00:00:00.000000', '0000-00-00 00:00:00', '1970-01-01 00:00:01.000001', '0000-00-00', '838:59:59.000000', 2155,
          b'0', b'0', 'a', '', '[]', X'', '', '', '', X'', '', NULL, NULL),
         (0, 1, 0, 1, 0, 0, 1, 0.000000000000000000000000000001, 1, 1e-38, 4.9e-324,
          '2024-02-29 12:34:56.000001', '2024-00-00 00:00:00', NULL, '2024-02-00', '00:00:00.000001', 0,
          NULL, b'101', NULL, 'x,y,z', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
         (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
          NULL, NULL, NULL, NULL, NULL, NULL, 'line1\r\nline2\0nul', 'not latin1', NULL, NULL, NULL, NULL, NULL);
        """;
}
