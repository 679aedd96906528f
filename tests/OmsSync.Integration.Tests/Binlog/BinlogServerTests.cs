using OmsSync.Engine.Changes;
using System.Diagnostics;
using MySqlConnector;
using OmsSync.Engine.MySql.Binlog;
using Xunit;

namespace OmsSync.Integration.Tests.Binlog;

/// <summary>Server questions, events larger than one 16 MB packet, and cancellation.</summary>
public sealed class BinlogServerTests
{
    [Fact]
    public async Task ServerInfoReportsHeadPositionFilesAndSettings()
    {
        var options = BinlogTestDatabase.Options();
        var head = await BinlogServerInfo.GetCurrentPositionAsync(options);
        var reference = await BinlogTestDatabase.CurrentPositionAsync();
        Assert.Equal(reference.File, head.File);
        Assert.True(head.Position >= 4);
        Assert.Equal(BinlogServerFlavor.MariaDb, head.Flavor);
        Assert.NotNull(head.Gtids);

        var files = await BinlogServerInfo.ListFilesAsync(options);
        Assert.Contains(files, f => f.Name == head.File);

        var settings = await BinlogServerInfo.GetSettingsAsync(options);
        Assert.Equal(BinlogServerFlavor.MariaDb, settings.Flavor);
        Assert.True(settings.LogsFullRows);
        Assert.Equal("CRC32", settings.BinlogChecksum);
        Assert.Contains("MariaDB", settings.ServerVersion);
    }

    [Fact]
    public async Task EventsLargerThanOnePacketAreReassembled()
    {
        await using var db = await BinlogTestDatabase.CreateAsync("bl_big");
        await db.ExecuteAsync("CREATE TABLE t (id INT PRIMARY KEY, payload LONGBLOB)");
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        var payload = new byte[20 * 1024 * 1024];
        new Random(7).NextBytes(payload);
        await using (var connection = await db.OpenAsync())
        {
            await using var command = new MySqlCommand("INSERT INTO t VALUES (1, @p)", connection);
            command.Parameters.AddWithValue("@p", payload);
            await command.ExecuteNonQueryAsync();
        }
        var mine = db.Mine(await BinlogTestDatabase.ReadUntilAsync(start, r => db.Mine(r).Count >= 1, timeout: TimeSpan.FromSeconds(60)));
        var row = (RowChange)mine[0].Changes[0];
        Assert.Equal(payload, (byte[])row["payload"]!);
    }

    [Fact]
    public async Task CancellationStopsAnIdleStreamPromptly()
    {
        var start = await BinlogTestDatabase.CurrentPositionAsync();
        var reader = new BinlogTransactionReader(BinlogTestDatabase.Options(heartbeat: TimeSpan.FromSeconds(30)));
        using var cts = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in reader.ReadAsync(start, cts.Token)) { }
        });
        await Task.Delay(500);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}
