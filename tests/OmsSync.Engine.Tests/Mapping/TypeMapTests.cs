using OmsSync.Engine.Errors;
using OmsSync.Engine.Model;
using OmsSync.Engine.Mapping;
using OmsSync.Engine.Postgres.Schema;
using Xunit;

namespace OmsSync.Engine.Tests.Mapping;

/// <summary>The MySQL/PostgreSQL type map, defaults and value conversions, without servers.</summary>
public sealed class TypeMapTests
{
    private static ColumnSchema Column(string name, string dataType, string columnType, bool autoIncrement = false, string? defaultSql = null, uint? srid = null) => new()
    {
        Name = name, Ordinal = 1, DataType = dataType, ColumnType = columnType, Nullable = true, AutoIncrement = autoIncrement, DefaultSql = defaultSql, Srid = srid,
    };

    private static TableSchema Table(params ColumnSchema[] columns) => new()
    {
        Database = "shop", Name = "t", Columns = columns,
        Indexes = [new IndexSchema { Name = "PRIMARY", Kind = IndexKind.Primary, Columns = [new IndexColumn(columns[0].Name, null)] }],
    };

    [Theory]
    [InlineData("tinyint", "tinyint(1)", "smallint")]
    [InlineData("int", "int(10) unsigned", "bigint")]
    [InlineData("bigint", "bigint(20) unsigned", "numeric(20,0)")]
    [InlineData("decimal", "decimal(65,30)", "numeric(65,30)")]
    [InlineData("datetime", "datetime(3)", "timestamp(3) without time zone")]
    [InlineData("timestamp", "timestamp", "timestamp(0) with time zone")]
    [InlineData("bit", "bit(64)", "bit varying(64)")]
    [InlineData("varbinary", "varbinary(16)", "bytea")]
    [InlineData("set", "set('x','y')", "text[]")]
    [InlineData("inet4", "inet4", "inet")]
    [InlineData("inet6", "inet6", "inet")]
    public void MySqlTypesMapAsDocumented(string dataType, string columnType, string expected) =>
        Assert.Equal(expected, MySqlToPostgres.PostgresType(Table(Column("c", dataType, columnType)), Column("c", dataType, columnType), postGis: false)?.ColumnType);

    [Theory]
    [InlineData("point", 4326u, true, "geometry(Point,4326)")]
    [InlineData("point", null, true, "geometry(Point)")]
    [InlineData("geometry", null, true, "geometry")]
    [InlineData("geometry", 3857u, true, "geometry(Geometry,3857)")]
    [InlineData("multilinestring", null, true, "geometry(MultiLineString)")]
    [InlineData("geomcollection", 4326u, true, "geometry(GeometryCollection,4326)")]
    [InlineData("polygon", 4326u, false, "bytea")]
    public void SpatialColumnsAreGeometryWherePostGisIsAndByteaElsewhere(string dataType, uint? srid, bool postGis, string expected) =>
        Assert.Equal(expected, MySqlToPostgres.PostgresType(Table(Column("c", dataType, dataType, srid: srid)), Column("c", dataType, dataType, srid: srid), postGis)?.ColumnType);

    [Theory]
    [InlineData("geometry(Point,4326)", "point", 4326u)]
    [InlineData("geometry(MultiPolygon)", "multipolygon", 0u)]
    [InlineData("geometry", "geometry", 0u)]
    [InlineData("geometry(GeometryCollection,3857)", "geometrycollection", 3857u)]
    [InlineData("geometry(PointZ,4326)", null, 4326u)]
    [InlineData("geometry(LineStringZM)", null, 0u)]
    public void PostGisTypesComeBackAsMySqlSpatialTypes(string postGis, string? mysql, uint srid)
    {
        Assert.Equal(mysql, SpatialTypes.MySqlType(postGis));
        Assert.Equal(srid, SpatialTypes.DeclaredSrid(postGis));
        Assert.Equal(mysql, PostgresToMySql.MySqlType(Column("g", "geometry", postGis), DataSourceKind.MariaDb, null)?.ColumnType);
    }

    [Fact]
    public void AnUnsignedBigintCounterStaysAnInteger() =>
        Assert.Equal("bigint", MySqlToPostgres.PostgresType(Table(Column("id", "bigint", "bigint(20) unsigned", autoIncrement: true)),
            Column("id", "bigint", "bigint(20) unsigned", autoIncrement: true), postGis: false)?.ColumnType);

    [Fact]
    public void UnmappableColumnsAreNamedAndLeftOut()
    {
        var problems = new List<string>();
        // MariaDB 11.7's VECTOR has no counterpart in the map.
        var mapped = MySqlToPostgres.Map(Table(Column("id", "int", "int(11)"), Column("v", "vector", "vector(3)"), Column("y", "year", "year(4)")), problems, postGis: true);
        Assert.Equal(["id", "y"], mapped.Columns.Select(c => c.Name));
        Assert.Contains("`v`", Assert.Single(problems));
    }

    [Theory]
    [InlineData("'it''s'", "character varying", "'it''s'")]
    [InlineData("'0000-00-00 00:00:00'", "timestamp without time zone", "'-infinity'")]
    [InlineData("current_timestamp(6)", "timestamp with time zone", "CURRENT_TIMESTAMP")]
    [InlineData("b'101'", "bit varying", "B'101'")]
    [InlineData("(rand())", "double precision", null)]
    [InlineData("'a\\\\b'", "text", "'a\\b'")]
    [InlineData("'x,z'", "array", "'{\"x\",\"z\"}'")]
    [InlineData("''", "array", "'{}'")]
    public void MySqlDefaultsBecomePostgreSqlDefaults(string mysql, string pgType, string? expected) =>
        Assert.Equal(expected, MySqlToPostgres.Default(Column("c", "varchar", "varchar(5)", defaultSql: mysql), pgType));

    [Theory]
    [InlineData("'it''s'::character varying", "varchar", "varchar(10)", "'it''s'")]
    [InlineData("42", "int", "int", "42")]
    [InlineData("'-1'::integer", "int", "int", "'-1'")]
    [InlineData("true", "tinyint", "tinyint(1)", "1")]
    [InlineData("now()", "datetime", "datetime(6)", "CURRENT_TIMESTAMP(6)")]
    [InlineData("'-infinity'::date", "date", "date", "'0000-00-00'")]
    [InlineData("gen_random_uuid()", "uuid", "uuid", null)]
    public void PostgreSqlDefaultsBecomeMySqlDefaults(string pg, string dataType, string columnType, string? expected) =>
        Assert.Equal(expected, PostgresToMySql.Default(pg, dataType, columnType));

    [Fact]
    public void IndexedTextSharesMySqlsKeyLength()
    {
        var pg = new TableSchema
        {
            Database = "public", Name = "t",
            Columns = [Column("a", "text", "text"), Column("b", "character varying", "character varying(1000)"), Column("n", "integer", "integer"), Column("free", "text", "text")],
            Indexes =
            [
                new IndexSchema { Name = "t_pkey", Kind = IndexKind.Primary, Columns = [new IndexColumn("n", null), new IndexColumn("a", null)] },
                new IndexSchema { Name = "t_ab", Kind = IndexKind.Secondary, Columns = [new IndexColumn("a", null), new IndexColumn("b", null)] },
            ],
        };
        var mapped = PostgresToMySql.Map(pg, DataSourceKind.MariaDb, []);
        Assert.Equal(["varchar(384)", "varchar(384)", "int", "longtext"], mapped.Columns.Select(c => c.ColumnType));
    }

    [Fact]
    public void TypesWithoutACounterpartAreCarriedAsTextArraysAsJsonAndDomainChecksAsMySqlChecks()
    {
        var pg = new TableSchema
        {
            Database = "public", Name = "t",
            Columns =
            [
                Column("id", "integer", "integer"), Column("ip", "inet", "inet"), Column("tags", "array", "text[]"), Column("h", "hstore", "hstore"),
                Column("b", "bit", "bit(100)"), Column("y", "integer", "integer"), Column("s", "text", "text"), Column("big", "numeric", "numeric(70,2)"),
            ],
            Indexes =
            [
                new IndexSchema { Name = "t_pkey", Kind = IndexKind.Primary, Columns = [new IndexColumn("id", null)] },
                new IndexSchema { Name = "t_ip", Kind = IndexKind.Unique, Columns = [new IndexColumn("ip", null)] },
                new IndexSchema { Name = "t_tags", Kind = IndexKind.Secondary, Columns = [new IndexColumn("tags", null)] },
            ],
            Checks =
            [
                new CheckConstraint("year_check", "CHECK (((VALUE >= 1901) AND (VALUE <= 2155)))", "y"),
                new CheckConstraint("year_odd", "CHECK (((VALUE % 2) = 1))", "y"),
                new CheckConstraint("slug_check", "CHECK ((VALUE ~ '^[a-z]+$'::text))", "s"),
            ],
        };
        var (problems, warnings) = (new List<string>(), new List<string>());
        var mapped = PostgresToMySql.Map(pg, DataSourceKind.MariaDb, problems, warnings);
        Assert.Equal(["int", "varchar(768)", "json", "json", "longtext", "int", "longtext"], mapped.Columns.Select(c => c.ColumnType));
        Assert.Contains("numeric(70,2)", Assert.Single(problems));
        Assert.Equal(["PRIMARY", "t_ip"], mapped.Indexes.Select(i => i.Name));
        var check = Assert.Single(mapped.Checks);
        Assert.Equal(("y", "((`y` >= 1901) AND (`y` <= 2155))"), (check.Column, check.Expression));
        Assert.Equal(3, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("year_odd") && w.Contains("'%'"));
        Assert.Contains(warnings, w => w.Contains("slug_check"));
        Assert.Contains(warnings, w => w.Contains("\"t_tags\""));
        Assert.True(PostgresToMySql.Carried(pg.Columns[1]) && PostgresToMySql.Carried(pg.Columns[2]) && !PostgresToMySql.Carried(pg.Columns[6]));
    }

    [Fact]
    public void AKeyOnAnArrayIsRefused()
    {
        var pg = new TableSchema
        {
            Database = "public", Name = "t", Columns = [Column("tags", "array", "integer[]")],
            Indexes = [new IndexSchema { Name = "t_pkey", Kind = IndexKind.Primary, Columns = [new IndexColumn("tags", null)] }],
        };
        var problems = new List<string>();
        PostgresToMySql.Map(pg, DataSourceKind.MariaDb, problems);
        Assert.Contains("\"t_pkey\"", Assert.Single(problems));
    }

    [Theory]
    [InlineData("numeric", "decimal(65,30)", "12345678901234567890.5", "12345678901234567890.5")]
    [InlineData("boolean", "tinyint(1)", "t", "1")]
    [InlineData("bit varying", "bit(16)", "101", "5")]
    [InlineData("timestamp with time zone", "datetime(6)", "2024-06-01 12:00:00.5+02", "2024-06-01 10:00:00.500000")]
    [InlineData("timestamp with time zone", "datetime(6)", "2024-01-01 00:30:00-05:30", "2024-01-01 06:00:00.000000")]
    [InlineData("date", "date", "-infinity", "0000-00-00")]
    [InlineData("bit", "longtext", "0101", "0101")]
    [InlineData("interval", "longtext", "-1 days +00:00:01", "-1 days +00:00:01")]
    [InlineData("hstore", "json", "\"a\"=>\"1\", \"b\"=>NULL", "{\"a\": \"1\", \"b\": null}")]
    public void PostgreSqlValuesBecomeMySqlText(string pgType, string mysqlType, string value, string expected)
    {
        var convert = MySqlValueText.For("public.t", Column("c", pgType, pgType), Column("c", mysqlType.Split('(')[0], mysqlType));
        Assert.Equal(expected, convert(value));
    }

    [Theory]
    [InlineData("numeric", "decimal(5,2)", "1234.5")]
    [InlineData("numeric", "decimal(65,30)", "NaN")]
    [InlineData("double precision", "double", "Infinity")]
    [InlineData("date", "date", "0044-03-15 BC")]
    [InlineData("text", "varchar(3)", "four")]
    public void ValuesMySqlCannotHoldAreRefusedNamingThem(string pgType, string mysqlType, string value)
    {
        var convert = MySqlValueText.For("public.t", Column("c", pgType, pgType), Column("c", mysqlType.Split('(')[0], mysqlType));
        var error = Assert.Throws<OmsException>(() => convert(value));
        Assert.Equal("ValueNotRepresentable", error.ErrorId);
        Assert.Contains("column c", error.Message);
    }

    [Theory]
    [InlineData("geometry", "point", "0101000020E6100000000000000000F03F0000000000000040", "E61000000101000000000000000000F03F0000000000000040")]
    [InlineData("geometry", "geometry", "010700000000000000", "00000000010700000000000000")]
    [InlineData("bytea", "linestring", @"\x0102000020110f00000200000000000000000000000000000000000000000000000000f03f000000000000f03f",
        "110F000001020000000200000000000000000000000000000000000000000000000000F03F000000000000F03F")]
    public void PostGisValuesComeBackInMySqlsForm(string pgType, string mysqlType, string value, string expected)
    {
        var convert = ChangeValues.For("public.t", Column("g", pgType, pgType), Column("g", mysqlType, mysqlType));
        var geometry = Assert.IsType<OmsSync.Engine.MySql.Values.MySqlGeometry>(convert(value));
        Assert.Equal(expected, Convert.ToHexString(geometry.Bytes.Span));
        // and back to the same EWKB
        Assert.Equal(value.TrimStart('\\', 'x').ToUpperInvariant(), Convert.ToHexString(GeometryBytes.ToEwkb(geometry.Bytes.Span)));
    }

    [Theory]
    [InlineData("geometry", "point", "0101000080000000000000F03F00000000000000400000000000000840", "two-dimensional")]
    [InlineData("geometry", "point", "01E9030000000000000000F03F00000000000000400000000000000840", "two-dimensional")]
    [InlineData("array", "set('a','b','c')", "{a,d}", "'d' is not a member")]
    [InlineData("array", "set('a','b','c')", "{b,a}", "in the SET's order")]
    [InlineData("array", "set('a','b','c')", "{a,a}", "in the SET's order")]
    [InlineData("array", "set('a','b','c')", "{A}", "'A' is not a member")]
    [InlineData("array", "set('a','b','c')", "{a,NULL}", "no NULL member")]
    [InlineData("array", "set('a','b','c')", "{{a},{b}}", "more than one dimension")]
    [InlineData("inet", "inet4", "10.0.0.0/8", "not networks")]
    [InlineData("inet", "inet4", "::1", "IPv4 addresses only")]
    [InlineData("inet", "inet6", "10.0.0.1", "IPv6 addresses only")]
    public void ReverseValuesMySqlCannotHoldAreRefused(string pgType, string mysqlType, string value, string why)
    {
        var convert = ChangeValues.For("public.t", Column("c", pgType, pgType == "array" ? "text[]" : pgType), Column("c", mysqlType.Split('(')[0], mysqlType));
        var error = Assert.Throws<OmsException>(() => convert(value));
        Assert.Equal("ValueNotRepresentable", error.ErrorId);
        Assert.Contains("column c", error.Message);
        Assert.Contains(why, error.Message);
    }

    [Theory]
    [InlineData("{}", "")]
    [InlineData("{a,c}", "a,c")]
    [InlineData("{\"x y\",\"q\\\"z\"}", "x y,q\"z")]
    public void TextArraysComeBackAsSets(string value, string expected) =>
        Assert.Equal(expected, ChangeValues.For("public.t", Column("s", "array", "text[]"), Column("s", "set", "set('a','b','c','x y','q\"z')"))(value));

    [Theory]
    [InlineData("", "{}")]
    [InlineData("a,b", "{\"a\",\"b\"}")]
    [InlineData("q\"z,back\\slash", "{\"q\\\"z\",\"back\\\\slash\"}")]
    public void SetsBecomeTextArrayLiteralsThatParseBack(string set, string literal)
    {
        Assert.Equal(literal, SetArrays.ArrayLiteral(set));
        Assert.Equal(SetArrays.Members(set), SetArrays.Parse(literal));
    }

    [Fact]
    public void LongDerivedNamesStayDistinctWithin63Bytes()
    {
        var a = PostgresSyntax.DerivedName(new string('t', 50), "index_one");
        var b = PostgresSyntax.DerivedName(new string('t', 50), "index_two");
        Assert.NotEqual(a, b);
        Assert.True(PostgresSyntax.FitsIdentifier(a) && PostgresSyntax.FitsIdentifier(b));
        Assert.Equal("orders_pkey", PostgresSyntax.DerivedName("orders", "pkey"));
    }
}
