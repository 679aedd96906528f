using OmsSync.Engine.Ddl;
using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Ddl;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Ddl;

public sealed class DdlPlannerTests
{
    private static readonly MigrationTask Task = new()
    {
        Name = "t", Source = "a", Target = "b", Include = ["shop.*"], Exclude = ["shop.tmp_*"],
        Renames = new Dictionary<string, string> { ["shop"] = "shop2", ["shop.orders"] = "order_hist" },
        Columns = new Dictionary<string, IReadOnlyList<string>> { ["shop.customers"] = ["id", "name", "email"] },
        IncrementalDdl = true, OnlineDdlTool = OnlineDdlTool.PtOsc,
    };

    private static readonly TaskRules Rules = new(Task);

    private static readonly Dictionary<(string, string), TableMapping> Members = new()
    {
        [("shop", "orders")] = Rules.MappingFor("shop", "orders"),
        [("shop", "customers")] = Rules.MappingFor("shop", "customers"),
    };

    private static DdlPlan Plan(string sql, bool synchronize = true, bool reverse = false) =>
        new DdlPlanner(Rules, synchronize, Task.OnlineDdlTool, reverse).Plan(sql, "shop", Members);

    [Fact]
    public void AlterIsRewrittenToTheTargetName()
    {
        var plan = Plan("ALTER TABLE orders ADD COLUMN note TEXT, ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id)");
        Assert.Equal("ALTER TABLE `shop2`.`order_hist` ADD COLUMN note TEXT", plan.TargetSql);
        Assert.Equal(ShapeSource.Statement, Assert.Single(plan.Changes).Shape);
    }

    [Fact]
    public void ColumnsOutsideTheSelectionAreLeftOutAndRenamesCarryIntoIt()
    {
        var plan = Plan("ALTER TABLE customers ADD COLUMN phone TEXT, MODIFY name VARCHAR(200), DROP COLUMN secret, RENAME COLUMN email TO mail, ADD KEY k (phone)");
        Assert.Equal("ALTER TABLE `shop2`.`customers` MODIFY name VARCHAR(200), RENAME COLUMN email TO mail", plan.TargetSql);
        Assert.Equal(["id", "name", "mail"], plan.Changes.Single().Mapping!.Columns);
        Assert.Null(Plan("ALTER TABLE customers ADD COLUMN phone TEXT").TargetSql);
    }

    [Fact]
    public void TablesJoinByTheRulesAndLeaveWhenRenamedOutOfThem()
    {
        var created = Plan("CREATE TABLE invoices (id INT PRIMARY KEY)");
        Assert.True(created.MembershipChanged);
        Assert.Equal("CREATE TABLE `shop2`.`invoices` (id INT PRIMARY KEY)", created.TargetSql);
        Assert.False(Plan("CREATE TABLE tmp_x (id INT)").Concerns);
        Assert.False(Plan("CREATE TABLE other.x (id INT)").Concerns);

        var renamedOut = Plan("RENAME TABLE orders TO tmp_orders");
        Assert.Null(renamedOut.TargetSql);
        Assert.Equal(ShapeSource.Gone, Assert.Single(renamedOut.Changes).Shape);

        var renamedIn = Plan("RENAME TABLE tmp_y TO shipments");
        Assert.True(Assert.Single(renamedIn.Changes).Arrives);

        var within = Plan("RENAME TABLE customers TO clients, other.a TO other.b");
        Assert.Equal("RENAME TABLE `shop2`.`customers` TO `shop2`.`clients`", within.TargetSql);
        Assert.Equal(["id", "name", "email"], within.Changes.Single(c => c.Member).Mapping!.Columns);

        Assert.Equal("DROP TABLE IF EXISTS `shop2`.`order_hist`", Plan("DROP TABLE IF EXISTS tmp_q, orders").TargetSql);
    }

    [Fact]
    public void TablesOutsideTheTaskInItsDatabasesAreFollowedWithoutConcerningTheTarget()
    {
        // A task table may later be created LIKE one of them, when the source may have altered or dropped it already.
        var created = Plan("CREATE TABLE tmp_y (id INT PRIMARY KEY)");
        Assert.False(created.Concerns);
        var tracked = Assert.Single(created.Changes);
        Assert.Equal((("shop", "tmp_y"), ShapeSource.Statement, false), (tracked.Source, tracked.Shape, tracked.Member));
        Assert.Equal(ShapeSource.Statement, Assert.Single(Plan("ALTER TABLE tmp_y ADD COLUMN v INT").Changes).Shape);
        var renamed = Plan("RENAME TABLE tmp_y TO tmp_z");
        Assert.Equal([ShapeSource.Gone, ShapeSource.CopyOf], renamed.Changes.Select(c => c.Shape));
        Assert.Equal(("shop", "tmp_y"), renamed.Changes[1].CopyFrom);
        Assert.Equal(ShapeSource.Gone, Assert.Single(Plan("DROP TABLE tmp_z").Changes).Shape);
        Assert.All([created, renamed], p => Assert.Null(p.TargetSql));
        // Databases without a task table, and tasks without DDL synchronization, are left alone.
        Assert.Empty(Plan("CREATE TABLE other.x (id INT)").Changes);
        Assert.Empty(Plan("CREATE TABLE tmp_y (id INT)", synchronize: false).Changes);
    }

    [Fact]
    public void WithoutDdlSynchronizationAStatementOnTheTaskPausesIt()
    {
        Assert.NotNull(Plan("ALTER TABLE orders ADD COLUMN x INT", synchronize: false).Unsupported);
        Assert.NotNull(Plan("TRUNCATE orders", synchronize: false).Unsupported);
        Assert.False(Plan("CREATE TABLE invoices (id INT)", synchronize: false).Concerns);
        Assert.False(Plan("CREATE TRIGGER tr AFTER INSERT ON orders FOR EACH ROW SET @a = 1", synchronize: false).Concerns);
        Assert.Null(Plan("ALTER TABLE orders ADD COLUMN x INT", reverse: true).TargetSql);
    }

    [Fact]
    public void UnsupportedStatementsSayWhy()
    {
        Assert.Contains("moves rows", Plan("ALTER TABLE orders EXCHANGE PARTITION p0 WITH TABLE tmp_x").Unsupported);
        Assert.Contains("drops database", Plan("DROP DATABASE shop").Unsupported);
        Assert.Contains("does not know", Plan("LOCK TABLES orders WRITE").Unsupported);
    }

    [Fact]
    public void AnOnlineSchemaChangeIsHeldAndSwappedIn()
    {
        var create = Plan("CREATE TABLE `_orders_new` LIKE `orders`");
        Assert.True(create.Deferred);
        Assert.False(create.Changes.Single().Member);
        Assert.True(Plan("ALTER TABLE `_orders_new` ADD COLUMN c INT").Deferred);
        var swap = Plan("RENAME TABLE `orders` TO `_orders_old`, `_orders_new` TO `orders`");
        Assert.Null(swap.TargetSql);
        Assert.Equal((("shop", "_orders_new"), ("shop", "orders")), swap.CutOver);
        var orders = swap.Changes.Last(c => c.Source == ("shop", "orders"));
        Assert.True(orders.Member);
        Assert.Equal(("shop", "_orders_new"), orders.CopyFrom);
        Assert.Equal("order_hist", orders.Mapping!.TargetTable);
        Assert.Null(Plan("DROP TABLE `_orders_old`").TargetSql);
    }
}
