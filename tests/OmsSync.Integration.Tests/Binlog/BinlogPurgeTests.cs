using OmsSync.Engine.MySql.Binlog;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;

namespace OmsSync.Integration.Tests.Binlog;

/// <summary>Purging binlogs would pull files from under tests reading in parallel, so this runs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BinlogPurgeCollection
{
    public const string Name = "Binlog purge";
}

[Collection(BinlogPurgeCollection.Name)]
public sealed class BinlogPurgeTests
{
    [Fact]
    public async Task PurgedStartFileIsATypedBinlogUnavailableError()
    {
        var old = await BinlogTestDatabase.CurrentPositionAsync();
        await PurgeUpToAsync(old.File!);
        var error = await Assert.ThrowsAsync<BinlogServerException>(() => BinlogTestDatabase.ReadUntilAsync(old, _ => true));
        Assert.True(error.IsBinlogUnavailable, error.Message);
        Assert.Equal(BinlogServerException.FatalErrorReadingBinlog, error.ErrorNumber);
    }

    [Fact]
    public async Task PurgedGtidPositionIsATypedBinlogUnavailableError()
    {
        await using var db = await BinlogTestDatabase.CreateAsync("bl_purgegtid");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY)");
        await db.ExecuteAsync("INSERT INTO t VALUES (1)");
        var gtids = (string)(await TestServers.ScalarAsync(BinlogTestDatabase.Server, "SELECT @@gtid_binlog_pos"))!;
        var gtid = MariaDbGtid.Parse(gtids.Split(',').Single(g => g.StartsWith("0-")));
        await db.ExecuteAsync("INSERT INTO t VALUES (2)");
        await PurgeUpToAsync((await BinlogTestDatabase.CurrentPositionAsync()).File!);
        // Starting before a transaction that is gone must fail, never skip ahead.
        var before = new MariaDbGtid(gtid.Domain, gtid.ServerId, gtid.Sequence - 1);
        var error = await Assert.ThrowsAsync<BinlogServerException>(
            () => BinlogTestDatabase.ReadUntilAsync(BinlogStartPosition.FromMariaDbGtids(MariaDbGtidList.Empty.With(before)), _ => true));
        Assert.True(error.IsBinlogUnavailable, error.Message);
    }

    private static Task PurgeUpToAsync(string file) => TestServers.PurgeBinlogsAsync(BinlogTestDatabase.Server, file);
}
