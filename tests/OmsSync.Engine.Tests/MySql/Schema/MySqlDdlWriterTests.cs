using OmsSync.Engine.Model;
using OmsSync.Engine.Schema;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Tests.Schema;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Schema;

public sealed class MySqlDdlWriterTests
{
    [Fact]
    public void CreateTableWritesEverything()
    {
        var sql = MySqlDdlWriter.CreateTable(SampleTables.Orders(), new CreateTableOptions { TargetDatabase = "shop v2", TargetTable = "order`hist" });
        Assert.Equal("""
            CREATE TABLE `shop v2`.`order``hist` (
              `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
              `customer` int(11) NOT NULL,
              `note` varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL DEFAULT 'it''s' COMMENT 'a ''note''',
              `total` decimal(10,2) NOT NULL DEFAULT 0.00,
              `total x2` decimal(11,2) GENERATED ALWAYS AS (`total` * 2) STORED,
              `changed` timestamp(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6),
              `body` text CHARACTER SET latin1 COLLATE latin1_swedish_ci NULL,
              PRIMARY KEY (`id`),
              UNIQUE KEY `uq_customer_total` (`customer`,`total`),
              KEY `by note` (`note`(10) DESC) COMMENT 'prefix',
              FULLTEXT KEY `ft_body` (`body`),
              KEY `by_customer` (`customer`),
              CONSTRAINT `positive` CHECK (`total` >= 0),
              CONSTRAINT `note_len` CHECK (char_length(`note`) > 0)
            ) ENGINE=InnoDB AUTO_INCREMENT=1000 DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci COMMENT='orders'' table'
            """.ReplaceLineEndings("\n"), sql);
    }

    [Fact]
    public void SecondaryIndexesCanBeLeftForLater()
    {
        var table = SampleTables.Orders();
        var options = new CreateTableOptions { TargetDatabase = "d", IncludeSecondaryIndexes = false };
        var sql = MySqlDdlWriter.CreateTable(table, options);
        Assert.Contains("PRIMARY KEY (`id`)", sql);
        Assert.Contains("UNIQUE KEY `uq_customer_total`", sql);
        Assert.DoesNotContain("by note", sql);
        Assert.DoesNotContain("FULLTEXT", sql);
        Assert.Equal(
            [
                "ALTER TABLE `d`.`orders` ADD KEY `by note` (`note`(10) DESC) COMMENT 'prefix'",
                "ALTER TABLE `d`.`orders` ADD FULLTEXT KEY `ft_body` (`body`)",
                "ALTER TABLE `d`.`orders` ADD KEY `by_customer` (`customer`)",
            ],
            MySqlDdlWriter.AddSecondaryIndexes(table, options));
    }

    [Fact]
    public void ColumnSubsetDropsIndexesAndChecksOnMissingColumns()
    {
        var sql = MySqlDdlWriter.CreateTable(SampleTables.Orders(), new CreateTableOptions { Columns = ["ID", "customer", "total"] });
        Assert.DoesNotContain("`note`", sql);
        Assert.DoesNotContain("`body`", sql);
        Assert.DoesNotContain("note_len", sql);
        Assert.Contains("CONSTRAINT `positive`", sql);
        Assert.Contains("UNIQUE KEY `uq_customer_total`", sql);
        Assert.Contains("KEY `by_customer`", sql);
        Assert.Equal(["ALTER TABLE `shop`.`orders` ADD KEY `by_customer` (`customer`)"],
            MySqlDdlWriter.AddSecondaryIndexes(SampleTables.Orders(), new CreateTableOptions { Columns = ["id", "customer"] }));
    }

    [Fact]
    public void ColumnSubsetWithoutThePrimaryKeyIsRefused()
    {
        var e = Assert.Throws<SchemaException>(() => MySqlDdlWriter.CreateTable(SampleTables.Orders(), new CreateTableOptions { Columns = ["customer", "total"] }));
        Assert.Contains("`shop`.`orders`", e.Message);
        Assert.Contains("primary-key column `id`", e.Message);
    }

    [Fact]
    public void ColumnSubsetNamingUnknownColumnsOrBreakingGeneratedColumnsIsRefused()
    {
        var e = Assert.Throws<SchemaException>(() => TargetSchema.For(SampleTables.Orders(), new CreateTableOptions { Columns = ["id", "nope", "total x2"] }));
        Assert.Equal(2, e.Problems.Count);
        Assert.Contains("`nope`, which the table does not have", e.Problems[0]);
        Assert.Contains("generated column `total x2` is computed from `total`", e.Problems[1]);
    }

    [Fact]
    public void CreateDatabaseKeepsCharsetAndCollation()
    {
        Assert.Equal("CREATE DATABASE IF NOT EXISTS `new``db` DEFAULT CHARACTER SET latin1 COLLATE latin1_german1_ci",
            MySqlDdlWriter.CreateDatabase(new DatabaseSchema("old", "latin1", "latin1_german1_ci"), "new`db"));
    }

    [Fact]
    public void CreateViewRenamesReferences()
    {
        var view = new ViewSchema
        {
            Database = "shop", Name = "v", CheckOption = "CASCADED", SecurityType = "INVOKER",
            Definition = "select `shop`.`orders`.`id` AS `id` from `shop`.`orders` where `shop`.`orders`.`id` > 1",
        };
        var sql = MySqlDdlWriter.CreateView(view, "shop2", "v 2", r => r == new TableReference("shop", "orders") ? new TableReference("shop2", "o") : null);
        Assert.Equal("CREATE SQL SECURITY INVOKER VIEW `shop2`.`v 2` AS select `shop2`.`o`.`id` AS `id` from `shop2`.`o` where `shop2`.`o`.`id` > 1 WITH CASCADED CHECK OPTION", sql);
    }

    [Fact]
    public void IndexMethodIsWrittenOnlyWhereItIsNotTheEngineDefault()
    {
        var hash = new IndexSchema { Name = "h", Kind = IndexKind.Secondary, Columns = [new IndexColumn("a", null)], Method = "HASH" };
        var btree = new IndexSchema { Name = "b", Kind = IndexKind.Secondary, Columns = [new IndexColumn("a", null)], Method = "BTREE" };
        Assert.Equal("KEY `h` (`a`) USING HASH", MySqlDdlWriter.IndexDefinition(hash, "InnoDB"));
        Assert.Equal("KEY `h` (`a`)", MySqlDdlWriter.IndexDefinition(hash, "MEMORY"));
        Assert.Equal("KEY `b` (`a`)", MySqlDdlWriter.IndexDefinition(btree, "InnoDB"));
        Assert.Equal("KEY `b` (`a`) USING BTREE", MySqlDdlWriter.IndexDefinition(btree, "MEMORY"));
    }

    [Theory]
    [InlineData("CREATE TABLE `t` (\n  `id` int NOT NULL\n) ENGINE=InnoDB\n PARTITION BY RANGE (`id`)\n(PARTITION `p0` VALUES LESS THAN (10) ENGINE = InnoDB)",
        "PARTITION BY RANGE (`id`)\n(PARTITION `p0` VALUES LESS THAN (10) ENGINE = InnoDB)")]
    [InlineData("CREATE TABLE `t` (\n  `id` int NOT NULL\n) ENGINE=InnoDB\n/*!50100 PARTITION BY HASH (`id`)\nPARTITIONS 4 */", "PARTITION BY HASH (`id`)\nPARTITIONS 4")]
    [InlineData("CREATE TABLE `t` (\n  `partition by` int NOT NULL COMMENT 'PARTITION BY x'\n) ENGINE=InnoDB COMMENT='PARTITION BY'", null)]
    public void PartitionClauseIsTakenFromTheEndOfShowCreateTable(string createTable, string? expected) =>
        Assert.Equal(expected, MySqlSchemaReader.PartitionClause(createTable));

    [Fact]
    public void CharsetOfCollation()
    {
        Assert.Equal("utf8mb4", MySqlSchemaReader.CharsetOfCollation("utf8mb4_0900_ai_ci"));
        Assert.Equal("binary", MySqlSchemaReader.CharsetOfCollation("binary"));
        Assert.Null(MySqlSchemaReader.CharsetOfCollation(null));
    }
}
