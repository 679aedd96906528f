using OmsSync.Engine.Model;
using OmsSync.Integration.Tests.Infrastructure;
using Xunit;
using TaskStatus = OmsSync.Engine.Model.TaskStatus;

namespace OmsSync.Integration.Tests.FullLoad;

/// <summary>Names with back-quotes, quotes, dots, spaces, reserved words and non-ASCII letters (MariaDB identifiers cannot hold 4-byte UTF-8), and values with every escape.</summary>
public sealed class HostileNameTests
{
    private const string Table = "we`ird.ta ble";

    [Fact]
    public async Task HostileNamesAndValuesMigrateAndSync()
    {
        await using var h = EngineHarness.Create();
        var db = await h.CreateDatabaseAsync(h.Source, "hostile");
        await TestServers.ExecuteAsync(h.Source, """
            CREATE TABLE `we``ird.ta ble` (`key` VARCHAR(30) NOT NULL PRIMARY KEY, `col'"\` TEXT, `ñ select` INT, `NULL` VARCHAR(5));
            INSERT INTO `we``ird.ta ble` VALUES ('a\tb\nc', 'it''s "quoted" \\ back\0nul', 1, 'NULL'), ('🐘', NULL, NULL, NULL), ('x''y', '\r\n', -1, '');
            """, db);
        var target = db + "_t";
        h.Track(h.Target, target);
        var task = h.AddTask(new MigrationTask
        {
            Name = "hostile-" + Guid.NewGuid().ToString("N")[..8], Source = h.SourceName, Target = h.TargetName,
            Include = [$"{db}.*"], Renames = new Dictionary<string, string> { [db] = target },
            MigrationTypes = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental,
        });
        h.Service.StartWorker(task.Name, Direction.Forward);
        await EngineHarness.WaitUntilAsync(() =>
        {
            var state = h.Service.Status(task.Name, Direction.Forward);
            return state.Phase == TaskPhase.Incremental || state.Status == TaskStatus.Failed;
        }, TimeSpan.FromSeconds(60), "the incremental phase");
        var reached = h.Service.Status(task.Name, Direction.Forward);
        Assert.True(reached.Phase == TaskPhase.Incremental, $"{reached.Status}: {reached.Message}");

        await TestServers.ExecuteAsync(h.Source, """
            UPDATE `we``ird.ta ble` SET `col'"\` = 'new\\value' WHERE `key` = 'x''y';
            INSERT INTO `we``ird.ta ble` VALUES ('\\', '''', 2, 'a');
            DELETE FROM `we``ird.ta ble` WHERE `key` = '🐘';
            """, db);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await TableSnapshot.ReadAsync(h.Source, db, Table, "`key`")).SequenceEqual(await TableSnapshot.ReadAsync(h.Target, target, Table, "`key`")))
        {
            if (DateTime.UtcNow > deadline)
                Assert.Equal(await TableSnapshot.ReadAsync(h.Source, db, Table, "`key`"), await TableSnapshot.ReadAsync(h.Target, target, Table, "`key`"));
            await Task.Delay(200);
        }
        Assert.Equal(3L, await TableSnapshot.CountAsync(h.Target, target, Table));
    }
}
