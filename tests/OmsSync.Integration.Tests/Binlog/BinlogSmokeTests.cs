using OmsSync.Engine.Changes;
using Xunit;

namespace OmsSync.Integration.Tests.Binlog;

public sealed class BinlogSmokeTests
{
    [Fact]
    public async Task InsertIsReadBack()
    {
        await using var db = await BinlogTestDatabase.CreateAsync("bl_smoke");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20))");
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        await db.ExecuteAsync("INSERT INTO t VALUES (1, 'one')");
        var all = await BinlogTestDatabase.ReadUntilAsync(start, r => db.Mine(r).Count >= 1);
        var tx = Assert.Single(db.Mine(all));
        var row = Assert.IsType<RowChange>(Assert.Single(tx.Changes));
        Assert.Equal(RowChangeKind.Insert, row.Kind);
        Assert.Equal(1L, row["id"]);
        Assert.Equal("one", row["name"]!.ToString());
    }
}
