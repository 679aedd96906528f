using OmsSync.Engine.Model;
using OmsSync.Engine.Rules;
using OmsSync.Engine.Schema;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Schema;

/// <summary>Whole databases: listing, views on renamed tables, partitions, deferred indexes, column subsets, incompatible targets.</summary>
public sealed class SchemaMigrationTests
{
    [Fact]
    public async Task DatabaseWithViewsMigratesUnderRenamesAndViewsWork()
    {
        await using var source = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbA, "mig_src", options: "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        await using var target = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbB, "mig_dst", create: false);
        var s = source.Quoted;
        await source.ExecuteAsync(
            $"CREATE TABLE {s}.`orders` (`id` int PRIMARY KEY, `customer` int NOT NULL, `total` decimal(10,2) NOT NULL DEFAULT 0, KEY `by_customer` (`customer`))",
            $"CREATE TABLE {s}.`select` (`id` int PRIMARY KEY, `name` varchar(20) DEFAULT 'orders')",
            $"CREATE TABLE {s}.`orders_x` (`id` int PRIMARY KEY)",
            $"INSERT INTO {s}.`orders` VALUES (1, 1, 10.5), (2, 1, 20), (3, 2, 5)",
            $"INSERT INTO {s}.`select` VALUES (1, 'ann'), (2, 'bob')",
            // created out of dependency order: the view on the view sorts first by name
            $"CREATE VIEW {s}.`b_base` AS SELECT o.id, o.customer, o.total, 'orders' AS `label` FROM {s}.`orders` o",
            $"CREATE VIEW {s}.`a top view` AS SELECT c.`name`, SUM(b.total) AS total FROM {s}.`b_base` b JOIN {s}.`select` c ON c.id = b.customer GROUP BY c.`name`",
            $"CREATE VIEW {s}.`checked` AS SELECT * FROM {s}.`orders` WHERE total > 0 WITH CASCADED CHECK OPTION");

        await using var a = await TestServers.OpenMySqlAsync(TestServers.MariaDbA);
        var readerA = new MySqlSchemaReader(a);
        var objects = await readerA.ListObjectsAsync(source.Name);
        Assert.Equal(
            [("a top view", SchemaObjectKind.View), ("b_base", SchemaObjectKind.View), ("checked", SchemaObjectKind.View),
             ("orders", SchemaObjectKind.Table), ("orders_x", SchemaObjectKind.Table), ("select", SchemaObjectKind.Table)],
            objects.Select(o => (o.Name, o.Kind)));
        Assert.Contains(await readerA.ListDatabasesAsync(), d => d.Name == source.Name && d.Collation == "utf8mb4_unicode_ci");
        Assert.DoesNotContain(await readerA.ListDatabasesAsync(), d => d.Name == "mysql");

        var mapping = new ObjectMapper([source.Name], [$"{source.Name}.orders_?"], new Dictionary<string, string>
        {
            [source.Name] = target.Name,
            [$"{source.Name}.orders"] = "`order hist``s`",
            [$"{source.Name}.b_base"] = "base view",
        }).Map(objects.Select(o => new ObjectName(o.Database, o.Name))).EnsureValid();
        Assert.Equal(5, mapping.Objects.Count);

        var tables = await readerA.ReadTablesAsync(source.Name, mapping.Objects.Select(o => o.Source.Name));
        Assert.Equal(["orders", "select"], tables.Select(t => t.Name));
        var views = await readerA.ReadViewsAsync(source.Name);
        Assert.Equal(["b_base", "a top view", "checked"], views.Select(v => v.Name));
        Assert.Equal("CASCADED", views[2].CheckOption);

        TableReference? Rename(TableReference r) =>
            mapping.TargetOf(new ObjectName(r.Database, r.Name)) is { } t ? new TableReference(t.Database, t.Name) : null;

        var statements = new List<string> { MySqlDdlWriter.CreateDatabase((await readerA.ReadDatabaseAsync(source.Name))!, target.Name) };
        foreach (var table in tables)
        {
            var to = mapping.TargetOf(new ObjectName(table.Database, table.Name))!;
            statements.Add(MySqlDdlWriter.CreateTable(table, new CreateTableOptions { TargetDatabase = to.Database, TargetTable = to.Name }));
        }
        foreach (var view in views)
        {
            var to = mapping.TargetOf(new ObjectName(view.Database, view.Name))!;
            statements.Add(MySqlDdlWriter.CreateView(view, to.Database, to.Name, Rename));
        }
        var t = target.Quoted;
        statements.Add($"INSERT INTO {t}.`order hist``s` VALUES (1, 1, 10.5), (2, 1, 20), (3, 2, 5)");
        statements.Add($"INSERT INTO {t}.`select` VALUES (1, 'ann'), (2, 'bob')");
        await target.ExecuteAsync(statements.ToArray());

        await using var b = await TestServers.OpenMySqlAsync(TestServers.MariaDbB);
        var readerB = new MySqlSchemaReader(b);
        Assert.Equal("utf8mb4_unicode_ci", (await readerB.ReadDatabaseAsync(target.Name))!.Collation);
        Assert.Equal(["a top view", "base view", "checked"], (await readerB.ReadViewsAsync(target.Name)).Select(v => v.Name).Order());
        Assert.Equal(30.5m, await TestServers.ScalarAsync(TestServers.MariaDbB, $"SELECT total FROM {t}.`a top view` WHERE name = 'ann'"));
        Assert.Equal("orders", await TestServers.ScalarAsync(TestServers.MariaDbB, $"SELECT label FROM {t}.`base view` WHERE id = 3"));
        var checkedView = Assert.Single(await readerB.ReadViewsAsync(target.Name, ["checked"]));
        Assert.Equal("CASCADED", checkedView.CheckOption);
        Assert.Contains($"`{target.Name}`.`order hist``s`", checkedView.Definition);
        Assert.DoesNotContain(source.Name, string.Concat((await readerB.ReadViewsAsync(target.Name)).Select(v => v.Definition)));
    }

    [Fact]
    public async Task PartitionedTableKeepsItsPartitions()
    {
        await using var source = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbA, "part_src");
        await using var target = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbB, "part_dst");
        await source.ExecuteAsync(
            $"CREATE TABLE {source.Quoted}.`p` (`id` int NOT NULL, `d` date NOT NULL, PRIMARY KEY (`id`,`d`)) ROW_FORMAT=COMPRESSED " +
            "PARTITION BY RANGE (year(`d`)) (PARTITION `p2023` VALUES LESS THAN (2024), PARTITION `p max` VALUES LESS THAN MAXVALUE)",
            $"CREATE TABLE {source.Quoted}.`h` (`id` int NOT NULL PRIMARY KEY) PARTITION BY HASH (`id`) PARTITIONS 3");
        await using var a = await TestServers.OpenMySqlAsync(TestServers.MariaDbA);
        var readerA = new MySqlSchemaReader(a);
        var tables = await readerA.ReadTablesAsync(source.Name);
        var p = tables.Single(x => x.Name == "p");
        Assert.StartsWith("row_format=COMPRESSED PARTITION BY RANGE", p.ExtraOptions);
        await target.ExecuteAsync(tables.Select(x => MySqlDdlWriter.CreateTable(x, new CreateTableOptions { TargetDatabase = target.Name })).ToArray());

        await using var b = await TestServers.OpenMySqlAsync(TestServers.MariaDbB);
        var readerB = new MySqlSchemaReader(b);
        foreach (var table in tables)
        {
            Assert.Equal(await readerA.ShowCreateTableAsync(source.Name, table.Name), await readerB.ShowCreateTableAsync(target.Name, table.Name));
        }
        Assert.Equal(3L, await TestServers.ScalarAsync(TestServers.MariaDbB,
            $"SELECT COUNT(*) FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = '{target.Name}' AND TABLE_NAME = 'h'"));
    }

    [Fact]
    public async Task SecondaryIndexesBuiltAfterwardsGiveTheSameTable()
    {
        await using var source = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbA, "idx_src");
        await using var target = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbB, "idx_dst");
        await source.ExecuteAsync(
            $"CREATE TABLE {source.Quoted}.`t` (`id` int PRIMARY KEY, `a` varchar(50), `b` text, `g` point NOT NULL, " +
            "UNIQUE KEY `ua` (`a`), KEY `ka` (`a`(5)) COMMENT 'later', FULLTEXT KEY `fb` (`b`), SPATIAL KEY `sg` (`g`), KEY `kab` (`a` DESC, `id`))");
        await using var a = await TestServers.OpenMySqlAsync(TestServers.MariaDbA);
        var table = (await new MySqlSchemaReader(a).ReadTableAsync(source.Name, "t"))!;
        var options = new CreateTableOptions { TargetDatabase = target.Name, IncludeSecondaryIndexes = false };

        await target.ExecuteAsync(MySqlDdlWriter.CreateTable(table, options));
        await using var b = await TestServers.OpenMySqlAsync(TestServers.MariaDbB);
        var readerB = new MySqlSchemaReader(b);
        Assert.Equal(["PRIMARY", "ua"], (await readerB.ReadTableAsync(target.Name, "t"))!.Indexes.Select(i => i.Name));

        var later = MySqlDdlWriter.AddSecondaryIndexes(table, options);
        Assert.Equal(4, later.Count);
        await target.ExecuteAsync(later.ToArray());
        var copy = (await readerB.ReadTableAsync(target.Name, "t"))!;
        Assert.Equal(table.Indexes.Select(i => i.Name).Order(), copy.Indexes.Select(i => i.Name).Order());
        Assert.Equal(SchemaRoundTripTests.Canonical(WithIndexOrder(table)), SchemaRoundTripTests.Canonical(WithIndexOrder(copy)));
    }

    private static TableSchema WithIndexOrder(TableSchema t) => new()
    {
        Database = t.Database, Name = t.Name, Columns = t.Columns, Checks = t.Checks, Engine = t.Engine, Charset = t.Charset,
        Collation = t.Collation, Comment = t.Comment, AutoIncrement = t.AutoIncrement, ExtraOptions = t.ExtraOptions,
        Indexes = t.Indexes.OrderBy(i => i.Name, StringComparer.Ordinal).ToList(),
    };

    [Fact]
    public async Task ColumnSubsetCreatesOnlyThoseColumnsAndRefusesToDropTheKey()
    {
        await using var source = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbA, "sub_src");
        await using var target = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbB, "sub_dst");
        await source.ExecuteAsync(
            $"CREATE TABLE {source.Quoted}.`t` (`id` int PRIMARY KEY, `keep` int, `secret` varchar(10), `g` int AS (`keep` + 1), KEY `ks` (`secret`), CHECK (`secret` <> 'x'))");
        await using var a = await TestServers.OpenMySqlAsync(TestServers.MariaDbA);
        var table = (await new MySqlSchemaReader(a).ReadTableAsync(source.Name, "t"))!;

        var options = new CreateTableOptions { TargetDatabase = target.Name, Columns = ["id", "keep", "g"] };
        await target.ExecuteAsync(MySqlDdlWriter.CreateTable(table, options));
        await using var b = await TestServers.OpenMySqlAsync(TestServers.MariaDbB);
        var copy = (await new MySqlSchemaReader(b).ReadTableAsync(target.Name, "t"))!;
        Assert.Equal(["id", "keep", "g"], copy.Columns.Select(c => c.Name));
        Assert.Empty(SchemaComparer.Compare(TargetSchema.For(table, options), copy));

        var e = Assert.Throws<SchemaException>(() => MySqlDdlWriter.CreateTable(table, options with { Columns = ["keep", "secret"] }));
        Assert.Contains("primary-key column `id`", e.Message);
    }

    [Fact]
    public async Task ExistingTargetTableWithOtherColumnsIsRefusedWithClearMessages()
    {
        await using var source = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbA, "cmp_src");
        await using var target = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbB, "cmp_dst");
        await source.ExecuteAsync(
            $"CREATE TABLE {source.Quoted}.`t` (`id` int PRIMARY KEY, `name` varchar(50) CHARACTER SET utf8mb4, `qty` int NOT NULL, `note` text)");
        await target.ExecuteAsync(
            $"CREATE TABLE {target.Quoted}.`t2` (`id` bigint PRIMARY KEY, `name` varchar(20) CHARACTER SET latin1, `qty` smallint NOT NULL, `must` int NOT NULL, `opt` int)");
        await using var a = await TestServers.OpenMySqlAsync(TestServers.MariaDbA);
        await using var b = await TestServers.OpenMySqlAsync(TestServers.MariaDbB);
        var expected = TargetSchema.For((await new MySqlSchemaReader(a).ReadTableAsync(source.Name, "t"))!,
            new CreateTableOptions { TargetDatabase = target.Name, TargetTable = "t2" });
        var found = await new MySqlSchemaReader(b).ReadTableAsync(target.Name, "t2");

        var differences = SchemaComparer.Compare(expected, found);
        var blocking = differences.Where(d => d.Blocking).Select(d => (d.Kind, d.Column)).ToList();
        Assert.Equal(
            [(SchemaDifferenceKind.TypeMismatch, "name"), (SchemaDifferenceKind.CharsetMismatch, "name"), (SchemaDifferenceKind.TypeMismatch, "qty"),
             (SchemaDifferenceKind.MissingColumn, "note"), (SchemaDifferenceKind.ExtraColumn, "must")],
            blocking);
        Assert.Contains(differences, d => d is { Kind: SchemaDifferenceKind.TypeMismatch, Column: "id", Blocking: false });
        Assert.Contains(differences, d => d is { Kind: SchemaDifferenceKind.ExtraColumn, Column: "opt", Blocking: false });
        var e = Assert.Throws<SchemaException>(() => SchemaComparer.EnsureCompatible(expected, found));
        Assert.Equal(5, e.Problems.Count);
        Assert.Contains($"Table `{target.Name}`.`t2`, column `note`: missing on the target (expected text)", e.Message);
        Assert.Contains($"Table `{target.Name}`.`t2`, column `must`: exists only on the target and is NOT NULL without a default", e.Message);
    }

    [Fact]
    public async Task ManyTablesAreReadTogether()
    {
        await using var source = await SchemaTestDatabase.CreateAsync(TestServers.MariaDbA, "many");
        await source.ExecuteAsync(Enumerable.Range(0, 60).Select(i =>
            $"CREATE TABLE {source.Quoted}.`t{i:D2}` (`id` int PRIMARY KEY, `v{i}` varchar({i + 1}) NOT NULL DEFAULT '{i}', KEY `k` (`v{i}`))").ToArray());
        await using var a = await TestServers.OpenMySqlAsync(TestServers.MariaDbA);
        var tables = await new MySqlSchemaReader(a).ReadTablesAsync(source.Name);
        Assert.Equal(60, tables.Count);
        for (var i = 0; i < 60; i++)
        {
            Assert.Equal($"t{i:D2}", tables[i].Name);
            Assert.Equal($"varchar({i + 1})", tables[i].Column($"v{i}").ColumnType);
            Assert.Equal($"'{i}'", tables[i].Column($"v{i}").DefaultSql);
            Assert.Equal(["PRIMARY", "k"], tables[i].Indexes.Select(x => x.Name));
        }
        Assert.Null(await new MySqlSchemaReader(a).ReadTableAsync(source.Name, "nope"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new MySqlSchemaReader(a).ReadTablesAsync(source.Name, null, new CancellationToken(true)));
    }
}
