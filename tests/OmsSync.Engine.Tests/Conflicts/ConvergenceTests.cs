using System.Diagnostics;
using OmsSync.Engine.Changes;
using OmsSync.Engine.Conflicts;
using OmsSync.Engine.Model;
using Xunit;
using Xunit.Abstractions;

namespace OmsSync.Engine.Tests.Conflicts;

/// <summary>
/// NewerWins leaves both sides equal: searched over many random schedules of two applications and two directions
/// (see <see cref="ConvergenceSimulator"/>). OMSSYNC_SIMULATOR_SEED=N replays one schedule and prints it.
/// </summary>
public sealed class ConvergenceTests(ITestOutputHelper output)
{
    // OMSSYNC_SIMULATOR_SCHEDULES=N searches deeper.
    private static readonly int Schedules = int.TryParse(Environment.GetEnvironmentVariable("OMSSYNC_SIMULATOR_SCHEDULES"), out var n) ? n : 100_000;

    private static async Task<(int Diverged, int? First, long Conflicts, long Echoes)> SearchAsync(StampMode mode, int from, int count)
    {
        int diverged = 0, first = int.MaxValue;
        long conflicts = 0, echoes = 0;
        await Parallel.ForAsync(from, from + count, async (seed, _) =>
        {
            var simulator = new ConvergenceSimulator(seed, mode);
            bool equal;
            try { equal = await simulator.RunAsync(writesPerSide: 1 + seed % 8); }
            catch (Errors.OmsException) { equal = false; }
            Interlocked.Add(ref conflicts, simulator.Conflicts);
            Interlocked.Add(ref echoes, simulator.Echoes);
            if (equal) return;
            Interlocked.Increment(ref diverged);
            int seen;
            while (seed < (seen = Volatile.Read(ref first)) && Interlocked.CompareExchange(ref first, seed, seen) != seen) { }
        });
        return (diverged, first == int.MaxValue ? null : first, conflicts, echoes);
    }

    private static async Task<string> ReplayAsync(int seed, StampMode mode)
    {
        var simulator = new ConvergenceSimulator(seed, mode);
        try { await simulator.RunAsync(writesPerSide: 1 + seed % 8); }
        catch (Errors.OmsException) { }
        return simulator.Trace.ToString();
    }

    [Fact]
    public async Task BothSidesEndEqualUnderEveryScheduleWhenEveryWriteStampsTheRowNewer()
    {
        if (Environment.GetEnvironmentVariable("OMSSYNC_SIMULATOR_SEED") is { } replay)
        {
            output.WriteLine(await ReplayAsync(int.Parse(replay), StampMode.Strict));
            return;
        }
        var clock = Stopwatch.StartNew();
        var (diverged, first, conflicts, echoes) = await SearchAsync(StampMode.Strict, 1, Schedules);
        output.WriteLine($"{Schedules:N0} schedules in {clock.Elapsed.TotalSeconds:0.0} s: {diverged} diverged, {conflicts:N0} conflicts, {echoes:N0} deletes came back");
        if (first is { } failing)
            Assert.Fail($"{diverged} of {Schedules:N0} schedules left the sides different; the first, seed {failing} (replay: OMSSYNC_SIMULATOR_SEED={failing}):\n" +
                        await ReplayAsync(failing, StampMode.Strict));
        Assert.True(conflicts > Schedules, "the schedules should be full of conflicts");
        Assert.True(echoes > Schedules / 10, "deletes should come back to the side they came from");
    }

    /// <summary>
    /// Timestamps that tie, stay as they were or are NULL break the premise (a write newer than what it replaces): the
    /// simulator measures how often the sides are then left different, which README's limits quote.
    /// </summary>
    [Theory]
    [InlineData(StampMode.Coarse, 0.002)]
    [InlineData(StampMode.Unset, 0.002)]
    [InlineData(StampMode.Nulls, 0.02)]
    public async Task WithoutStrictlyNewerStampsSidesRarelyEndDifferent(StampMode mode, double bound)
    {
        const int count = 20_000;
        var (diverged, first, _, _) = await SearchAsync(mode, 1, count);
        output.WriteLine($"{mode}: {diverged} of {count:N0} schedules diverged ({100.0 * diverged / count:0.00}%); first seed {first}");
        Assert.True(diverged <= bound * count, $"{mode}: {diverged} of {count} diverged, above {bound:P1}; first seed {first}:\n{(first is { } f ? await ReplayAsync(f, mode) : "")}");
    }

    /// <summary>
    /// Whatever the stamps (equal, NULL, older, newer), a pair of concurrent writes to one row, one on each side, ends
    /// the same on both sides in either order of delivery: each side decides about the other's write against its own, and
    /// a delete one of them makes comes back to the other.
    /// </summary>
    [Fact]
    public async Task EveryPairOfConcurrentWritesEndsTheSameOnBothSides()
    {
        object?[] common = [1L, 0L, 1L, 1L];
        object?[] Row(long v, long? stamp) => [1L, v, 1L, stamp];
        long?[] stamps = [null, 1, 2];
        var cases = new List<(string, object?[]?, RowChange, RowChange)>();
        foreach (var a in stamps)
            foreach (var b in stamps)
            {
                var (updateA, updateB) = (ConvergenceSimulator.Write(RowChangeKind.Update, common, Row(10, a)), ConvergenceSimulator.Write(RowChangeKind.Update, common, Row(20, b)));
                var deleteA = ConvergenceSimulator.Write(RowChangeKind.Delete, Row(0, a), null);
                var deleteB = ConvergenceSimulator.Write(RowChangeKind.Delete, Row(0, b), null);
                cases.Add(($"update@{a} / update@{b}", common, updateA, updateB));
                cases.Add(($"insert@{a} / insert@{b}", null, ConvergenceSimulator.Write(RowChangeKind.Insert, null, Row(10, a)), ConvergenceSimulator.Write(RowChangeKind.Insert, null, Row(20, b))));
                cases.Add(($"delete of the row@{a} / update@{b}", Row(0, a), deleteA, ConvergenceSimulator.Write(RowChangeKind.Update, Row(0, a), Row(20, b))));
                cases.Add(($"update@{a} / delete of the row@{b}", Row(0, b), ConvergenceSimulator.Write(RowChangeKind.Update, Row(0, b), Row(10, a)), deleteB));
            }
        foreach (var (name, common0, onA, onB) in cases)
            foreach (var forwardFirst in new[] { true, false })
            {
                var simulator = new ConvergenceSimulator(0, StampMode.Strict);
                Assert.True(await simulator.RunPairAsync(common0, onA, onB, forwardFirst), $"{name}, {(forwardFirst ? "forward" : "reverse")} first:\n{simulator.Trace}");
            }
    }
}
