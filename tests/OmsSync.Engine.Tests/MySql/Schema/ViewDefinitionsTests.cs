using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Schema;

public sealed class ViewDefinitionsTests
{
    private static readonly Dictionary<TableReference, TableReference> Renames = new()
    {
        [new("shop", "orders")] = new("shop_v2", "order_hist"),
        [new("shop", "we`ird t")] = new("shop_v2", "plain"),
        [new("shop", "v_base")] = new("shop_v2", "v_base"),
    };

    private static TableReference? Rename(TableReference r) => Renames.TryGetValue(r, out var t) ? t : null;

    [Fact]
    public void MariaDbCanonicalDefinitionIsRenamed()
    {
        const string definition = "select `shop`.`orders`.`id` AS `id`,`shop`.`customers`.`name` AS `name` from (`shop`.`orders` join `shop`.`customers` on(`shop`.`orders`.`customer_id` = `shop`.`customers`.`id`))";
        Assert.Equal(
            "select `shop_v2`.`order_hist`.`id` AS `id`,`shop`.`customers`.`name` AS `name` from (`shop_v2`.`order_hist` join `shop`.`customers` on(`shop_v2`.`order_hist`.`customer_id` = `shop`.`customers`.`id`))",
            ViewDefinitions.Rewrite(definition, "shop", Rename));
    }

    [Fact]
    public void StringsCommentsAndLookAlikeNamesAreLeftAlone()
    {
        const string definition = "select 'shop.orders' AS `shop.orders`, `orders_x`.`id` /* shop.orders */ from `shop`.`orders_x` where `c` = \"`shop`.`orders`\"";
        Assert.Equal(definition, ViewDefinitions.Rewrite(definition, "shop", Rename));
    }

    [Fact]
    public void UnqualifiedReferencesAreResolvedInTheViewsDatabase()
    {
        const string definition = "select orders.id, orders.* from orders join shop.orders o2 on o2.id = orders.id";
        Assert.Equal(
            "select `order_hist`.id, `order_hist`.* from `shop_v2`.`order_hist` join `shop_v2`.`order_hist` o2 on o2.id = `order_hist`.id",
            ViewDefinitions.Rewrite(definition, "shop", Rename));
    }

    [Fact]
    public void HostileNamesAndSpacesAroundDotsAreHandled()
    {
        const string definition = "select `shop` . `we``ird t` . `x` from `shop`.`we``ird t`";
        Assert.Equal("select `shop_v2` . `plain` . `x` from `shop_v2`.`plain`", ViewDefinitions.Rewrite(definition, "shop", Rename));
    }

    [Fact]
    public void StoredFunctionCallsAreNotTables()
    {
        const string definition = "select `shop`.`orders`(1) AS `f` from `shop`.`orders`";
        Assert.Equal("select `shop`.`orders`(1) AS `f` from `shop_v2`.`order_hist`", ViewDefinitions.Rewrite(definition, "shop", Rename));
    }

    [Fact]
    public void RoutinesCalledByQualifiedNameAndTablesBeforeAColumnListAreRenamed()
    {
        const string definition = "select `shop`.`fee`(`t`.`x`) AS `f` from `shop`.`orders` `t`; insert into orders(id) values (1)";
        Assert.Equal("select `shop_v2`.`fee`(`t`.`x`) AS `f` from `shop_v2`.`order_hist` `t`; insert into `shop_v2`.`order_hist`(id) values (1)",
            ViewDefinitions.Rewrite(definition, "shop", Rename, r => r.Database == "shop" ? new TableReference("shop_v2", r.Name) : null));
    }

    [Fact]
    public void ReferencesAreFound()
    {
        var refs = ViewDefinitions.References("select `a`.`t`.`x` from `a`.`t` join `b`.`u` join w", "a");
        Assert.Contains(new TableReference("a", "t"), refs);
        Assert.Contains(new TableReference("b", "u"), refs);
        Assert.Contains(new TableReference("a", "w"), refs);
    }

    [Fact]
    public void ViewsAreOrderedAfterTheViewsTheyUse()
    {
        ViewSchema View(string name, string definition) => new() { Database = "d", Name = name, Definition = definition };
        var views = new[]
        {
            View("top", "select * from `d`.`middle`"),
            View("middle", "select * from `d`.`bottom` join `d`.`t`"),
            View("other", "select 1 AS `x`"),
            View("bottom", "select * from `d`.`t`"),
        };
        Assert.Equal(["bottom", "middle", "top", "other"], ViewDefinitions.OrderByDependency(views).Select(v => v.Name));
    }
}
