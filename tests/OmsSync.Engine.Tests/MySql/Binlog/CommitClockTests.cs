using OmsSync.Engine.Changes;
using System.Text;
using OmsSync.Engine.MySql.Binlog;
using OmsSync.Engine.MySql.Values;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Binlog;

public sealed class CommitClockTests
{
    private static readonly BinlogPosition At = new("f.000001", 4, null, BinlogServerFlavor.MariaDb);
    private static readonly DateTimeOffset Second = DateTimeOffset.Parse("2026-11-24T10:00:05Z");

    private static SourceTransaction Transaction(DateTimeOffset loggedAt, params SourceChange[] changes) => new(null, changes, loggedAt, At, At);

    private static RowChange Beat(string task, int microsecond) => new(RowChangeKind.Update, "oms", "heartbeat", ["task", "beat"],
        [new MySqlText(Encoding.UTF8.GetBytes(task), "utf8mb4"), new MySqlDateTime(2026, 11, 24, 10, 0, 4, 0, 6)],
        [new MySqlText(Encoding.UTF8.GetBytes(task), "utf8mb4"), new MySqlDateTime(2026, 11, 24, 10, 0, 5, microsecond, 6)], null);

    private static RowChange Row() => new(RowChangeKind.Insert, "shop", "t", ["id"], null, [1L], null);

    [Fact]
    public void AHeartbeatGivesItsMicrosecondTimeAndFloorsTheWholeSecondTimesAfterIt()
    {
        var clock = new CommitClock("mine");
        Assert.Equal(Second, clock.CommitTimeOf(Transaction(Second, Row()))); // nothing finer known yet
        var beat = Second.AddTicks(250_000 * 10);
        Assert.Equal(beat, clock.CommitTimeOf(Transaction(Second, Beat("mine", 250_000))));
        Assert.Equal(beat, clock.CommitTimeOf(Transaction(Second, Row()))); // committed after the heartbeat, in the same second
        Assert.Equal(Second.AddSeconds(1), clock.CommitTimeOf(Transaction(Second.AddSeconds(1), Row())));
    }

    [Fact]
    public void AnotherTasksHeartbeatIsAnOrdinaryTransaction()
    {
        var clock = new CommitClock("mine");
        Assert.Equal(Second, clock.CommitTimeOf(Transaction(Second, Beat("theirs", 250_000))));
        Assert.Equal(Second, clock.CommitTimeOf(Transaction(Second, Row())));
    }
}
