using OmsSync.Engine.Model;
using OmsSync.Engine.Tasks;
using Xunit;

namespace OmsSync.Engine.Tests.Tasks;

public class TaskSettingChecksTests
{
    private const MigrationTypes Synchronized = MigrationTypes.Schema | MigrationTypes.Full | MigrationTypes.Incremental;

    [Fact]
    public void Dml_types_given_as_a_list_combine()
    {
        var options = new TaskOptionReader("t");
        Assert.Equal(DmlTypes.Insert | DmlTypes.Update,
            TaskSettingChecks.CheckDmlTypes(options, [DmlTypes.Insert, DmlTypes.Update, DmlTypes.Insert], Direction.Reverse, Synchronized, Topology.Bidirectional));
        Assert.Empty(options.Problems);
        Assert.Null(TaskSettingChecks.CheckDmlTypes(options, null, Direction.Forward, MigrationTypes.Full, Topology.OneWay));
        Assert.Empty(options.Problems);
    }

    [Theory]
    [InlineData(new DmlTypes[0], Direction.Forward, Synchronized, Topology.OneWay, "names no kind")]
    [InlineData(new[] { DmlTypes.Insert }, Direction.Forward, MigrationTypes.Schema | MigrationTypes.Full, Topology.OneWay, "no Incremental")]
    [InlineData(new[] { DmlTypes.Delete }, Direction.Reverse, Synchronized, Topology.OneWay, "one-way")]
    public void Dml_types_that_cannot_apply_are_refused(DmlTypes[] given, Direction direction, MigrationTypes types, Topology topology, string why)
    {
        var options = new TaskOptionReader("t");
        TaskSettingChecks.CheckDmlTypes(options, given, direction, types, topology);
        var problem = Assert.Single(options.Problems);
        Assert.Equal("InvalidDmlTypes", problem.ErrorId);
        Assert.Contains(why, problem.Message);
    }

    [Theory]
    [InlineData(StopAfter.None, MigrationTypes.Full, null)]
    [InlineData(StopAfter.Schema, MigrationTypes.Schema | MigrationTypes.Full, null)]
    [InlineData(StopAfter.Full, Synchronized, null)]
    [InlineData(StopAfter.Full, MigrationTypes.Full | MigrationTypes.Verify, null)]
    [InlineData(StopAfter.Schema, MigrationTypes.Full | MigrationTypes.Incremental, "has no Schema")]
    [InlineData(StopAfter.Schema, MigrationTypes.Schema, "no phase after Schema")]
    [InlineData(StopAfter.Full, MigrationTypes.Schema | MigrationTypes.Full, "no phase after Full")]
    public void Stop_after_names_a_phase_the_task_runs_with_one_after_it(StopAfter stopAfter, MigrationTypes types, string? why)
    {
        var options = new TaskOptionReader("t");
        TaskSettingChecks.CheckStopAfter(options, stopAfter, types);
        if (why is null)
            Assert.Empty(options.Problems);
        else
            Assert.Contains(why, Assert.Single(options.Problems).Message);
    }
}
