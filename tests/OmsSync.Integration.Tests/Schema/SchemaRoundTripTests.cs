using System.Text.Json;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Schema;

/// <summary>Reads rich tables on one MariaDB, writes them on another under new names, and checks nothing was lost.</summary>
public sealed class SchemaRoundTripTests
{
    private const string RichTable = "rich `tab'le\" ü名";

    private const string RichTableDdl = """
        CREATE TABLE @DB@.`rich ``tab'le" ü名` (
          `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT COMMENT 'the key: it''s "quoted" \\ and back\\slashed',
          `select` tinyint(4) NOT NULL DEFAULT -5,
          `flag` tinyint(1) DEFAULT 1,
          `small z` smallint(5) unsigned zerofill DEFAULT 00042,
          `we``ird` mediumint(9) DEFAULT NULL,
          `i` int(11) NOT NULL DEFAULT 0,
          `dec` decimal(65,30) DEFAULT 1.500000000000000000000000000000,
          `f` float DEFAULT -1.5,
          `d` double NOT NULL DEFAULT 2.25e10,
          `b1` bit(1) DEFAULT b'1',
          `b64` bit(64) DEFAULT b'101',
          `c` char(10) DEFAULT 'it''s',
          `vc` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT 'a\\b "c"',
          `quote'col` varchar(20) DEFAULT 'NULL',
          `empty` varchar(5) NOT NULL DEFAULT '',
          `bin` binary(16) DEFAULT NULL,
          `vbin` varbinary(100) DEFAULT 'ab',
          `tt` tinytext DEFAULT NULL,
          `t` text DEFAULT 'text default',
          `mt` mediumtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL,
          `lt` longtext DEFAULT NULL,
          `tb` tinyblob DEFAULT NULL,
          `bl` blob DEFAULT NULL,
          `mb` mediumblob DEFAULT NULL,
          `lb` longblob DEFAULT NULL,
          `e` enum('a','b''c','ü') DEFAULT 'b''c',
          `s` set('x','y','z') NOT NULL DEFAULT 'x,z',
          `dt` date DEFAULT '2020-02-29',
          `dt2` date DEFAULT (curdate() + interval 1 day),
          `tm` time(3) DEFAULT '-838:59:59.000',
          `dtm` datetime(6) DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),
          `ts` timestamp(6) NOT NULL DEFAULT current_timestamp(6),
          `ts0` timestamp NULL DEFAULT NULL,
          `yr` year(4) DEFAULT 2024,
          `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`j`)),
          `rnd` double DEFAULT rand(),
          `geo` geometry DEFAULT NULL,
          `pt` point NOT NULL,
          `ls` linestring DEFAULT NULL,
          `pg` polygon DEFAULT NULL,
          `mpt` multipoint DEFAULT NULL,
          `mls` multilinestring DEFAULT NULL,
          `mpg` multipolygon DEFAULT NULL,
          `gc` geometrycollection DEFAULT NULL,
          `ip` inet6 DEFAULT '::1',
          `u` uuid DEFAULT NULL,
          `gv` int(11) GENERATED ALWAYS AS (`i` * 2) VIRTUAL,
          `gs` varchar(300) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci GENERATED ALWAYS AS (concat(`vc`,'-')) STORED,
          `a b` varchar(30) CHARACTER SET latin1 COLLATE latin1_bin DEFAULT 'x',
          PRIMARY KEY (`id`),
          UNIQUE KEY `uq vc` (`vc`,`i`),
          SPATIAL KEY `sp` (`pt`),
          KEY `prefix` (`t`(10),`c`(3)) COMMENT 'prefix ''index''',
          KEY `desc` (`i` DESC,`select`),
          KEY `on gen` (`gs`),
          FULLTEXT KEY `ft` (`tt`,`lt`),
          CONSTRAINT `positive` CHECK (`i` >= 0)
        ) ENGINE=InnoDB AUTO_INCREMENT=1000 DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='rich: it''s "all" \\ here'
        """;

    [Fact]
    public async Task RichTableSurvivesReadWriteReadUnderNewNames()
    {
        await using var source = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbA, "rt_src", options: "CHARACTER SET latin1 COLLATE latin1_swedish_ci");
        await using var target = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbB, "rt_dst", create: false);
        await source.ExecuteAsync(RichTableDdl.Replace("@DB@", source.Quoted));

        await using var a = await TestServers.OpenMySqlAsync(TestServers.MariaDbA);
        var readerA = new MySqlSchemaReader(a);
        var db = await readerA.ReadDatabaseAsync(source.Name);
        var table = Assert.Single(await readerA.ReadTablesAsync(source.Name));
        AssertReadAsDeclared(table);

        const string renamed = "copy `of' rich";
        await target.ExecuteAsync(
            MySqlDdlWriter.CreateDatabase(db!, target.Name),
            MySqlDdlWriter.CreateTable(table, new CreateTableOptions { TargetDatabase = target.Name, TargetTable = renamed }));

        await using var b = await TestServers.OpenMySqlAsync(TestServers.MariaDbB);
        var readerB = new MySqlSchemaReader(b);
        Assert.Equal(db! with { Name = target.Name }, await readerB.ReadDatabaseAsync(target.Name));
        var copy = await readerB.ReadTableAsync(target.Name, renamed);
        Assert.NotNull(copy);
        Assert.Equal(Canonical(table), Canonical(copy!));
        Assert.Equal(
            (await readerA.ShowCreateTableAsync(source.Name, RichTable)).Replace(MySqlSyntax.QuoteIdentifier(RichTable), "`T`"),
            (await readerB.ShowCreateTableAsync(target.Name, renamed)).Replace(MySqlSyntax.QuoteIdentifier(renamed), "`T`"));
        Assert.Empty(SchemaComparer.Compare(table, copy));
    }

    private static void AssertReadAsDeclared(TableSchema table)
    {
        Assert.Equal(RichTable, table.Name);
        Assert.Equal("latin1", table.Charset);
        Assert.Equal("latin1_swedish_ci", table.Collation);
        Assert.Equal("rich: it's \"all\" \\ here", table.Comment);
        Assert.Equal(1000UL, table.AutoIncrement);
        Assert.Equal("InnoDB", table.Engine);
        Assert.Null(table.ExtraOptions);

        var id = table.Column("id");
        Assert.True(id.AutoIncrement);
        Assert.True(id.Unsigned);
        Assert.Null(id.DefaultSql);
        Assert.Equal("the key: it's \"quoted\" \\ and back\\slashed", id.Comment);
        Assert.Equal("-5", table.Column("select").DefaultSql);
        Assert.Equal("'a\\\\b \"c\"'", table.Column("vc").DefaultSql);
        Assert.Equal("utf8mb4", table.Column("vc").Charset);
        Assert.Equal("utf8mb4_unicode_ci", table.Column("vc").Collation);
        Assert.Equal("'NULL'", table.Column("quote'col").DefaultSql);
        Assert.Equal("NULL", table.Column("we`ird").DefaultSql);
        Assert.Equal("''", table.Column("empty").DefaultSql);
        Assert.Equal("b'101'", table.Column("b64").DefaultSql);
        Assert.Equal("(curdate() + interval 1 day)", table.Column("dt2").DefaultSql);
        Assert.Equal("(rand())", table.Column("rnd").DefaultSql);
        Assert.Equal("current_timestamp(6)", table.Column("dtm").DefaultSql);
        Assert.Equal("current_timestamp(6)", table.Column("dtm").OnUpdateSql);
        Assert.Null(table.Column("ts").OnUpdateSql);
        Assert.Null(table.Column("bin").Charset);
        Assert.Equal("`i` * 2", table.Column("gv").GenerationExpression);
        Assert.False(table.Column("gv").GeneratedStored);
        Assert.True(table.Column("gs").GeneratedStored);
        Assert.Null(table.Column("gs").DefaultSql);

        Assert.Equal(["PRIMARY", "uq vc", "sp", "prefix", "desc", "on gen", "ft"], table.Indexes.Select(i => i.Name));
        Assert.Equal(IndexKind.Unique, table.Indexes[1].Kind);
        Assert.Equal(IndexKind.Spatial, table.Indexes[2].Kind);
        Assert.Null(table.Indexes[2].Columns[0].PrefixLength);
        Assert.Equal([new IndexColumn("t", 10), new IndexColumn("c", 3)], table.Indexes[3].Columns);
        Assert.Equal("prefix 'index'", table.Indexes[3].Comment);
        Assert.Equal([new IndexColumn("i", null, true), new IndexColumn("select", null)], table.Indexes[4].Columns);
        Assert.Equal(IndexKind.FullText, table.Indexes[6].Kind);
        Assert.Equal(["tt", "lt"], table.Indexes[6].Columns.Select(c => c.Name));

        Assert.Contains(new CheckConstraint("j", "json_valid(`j`)", "j"), table.Checks);
        Assert.Contains(new CheckConstraint("positive", "`i` >= 0"), table.Checks);
    }

    /// <summary>A table's schema as JSON, with its names left out.</summary>
    internal static string Canonical(TableSchema table) => JsonSerializer.Serialize(new
    {
        table.Columns, table.Indexes, table.Checks, table.Engine, table.Charset, table.Collation,
        table.Comment, table.AutoIncrement, table.ExtraOptions,
    }, new JsonSerializerOptions { WriteIndented = true });
}
