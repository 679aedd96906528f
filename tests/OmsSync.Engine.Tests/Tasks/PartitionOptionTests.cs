using OmsSync.Engine.Model;
using OmsSync.Engine.MySql.Schema;
using OmsSync.Engine.Rules;
using OmsSync.Engine.Tasks;
using Xunit;

namespace OmsSync.Engine.Tests.Tasks;

/// <summary>-Partition as typed (hashtable values, CSV cells) to what a task stores, and the PARTITION clause it reads with.</summary>
public class PartitionOptionTests
{
    [Fact]
    public void A_list_a_single_name_and_comma_separated_text_all_read_as_lists()
    {
        var options = new TaskOptionReader("t");
        var read = options.Partitions(new Dictionary<string, object?>
        {
            [" shop.orders "] = new List<object?> { "p2025", " p2026 " },
            ["shop.items"] = "p1",
            ["shop.lines"] = "p1, p2,,sp3",
        });
        Assert.Empty(options.Problems);
        Assert.Equal(["p2025", "p2026"], read["shop.orders"]);
        Assert.Equal(["p1"], read["SHOP.ITEMS"]); // keys match tables case-insensitively, as -Column's do
        Assert.Equal(["p1", "p2", "sp3"], read["shop.lines"]);
    }

    [Theory]
    [InlineData("shop", "p1", "InvalidPartitionKey", "'database.table'")]
    [InlineData("shop.*", "p1", "InvalidPartitionKey", "'database.table'")]
    [InlineData("shop.orders", "", "InvalidPartitionValue", "lists no partitions")]
    [InlineData("shop.orders", " , ", "InvalidPartitionValue", "lists no partitions")]
    [InlineData("shop.orders", "p1,P1", "InvalidPartitionValue", "partition 'p1' more than once")]
    public void Bad_entries_are_refused_naming_the_parameter_and_the_table(string key, string value, string errorId, string why)
    {
        var options = new TaskOptionReader("t");
        Assert.Empty(options.Partitions(new Dictionary<string, object?> { [key] = value }));
        var problem = Assert.Single(options.Problems);
        Assert.Equal(errorId, problem.ErrorId);
        Assert.StartsWith("-Partition", problem.Message);
        Assert.Contains(key, problem.Message);
        Assert.Contains(why, problem.Message);
    }

    [Fact]
    public void An_empty_list_is_refused_like_an_empty_text()
    {
        var options = new TaskOptionReader("t");
        options.Partitions(new Dictionary<string, object?> { ["shop.orders"] = new List<object?>() });
        Assert.Equal("InvalidPartitionValue", Assert.Single(options.Problems).ErrorId);
    }

    [Fact]
    public void A_table_outside_the_task_and_any_table_of_a_PostgreSQL_source_are_refused()
    {
        var outside = Assert.Single(RowFilterCheck.ProblemsOf(["shop.orders"], [], new Dictionary<string, string>(), [], postgres: false, ["shop.items", "shop.orders"]));
        Assert.Equal(("shop.items", "PartitionTableNotInTask"), (outside.Table, outside.ErrorId));
        Assert.StartsWith("-Partition names table 'shop.items'", outside.Message);

        var postgres = Assert.Single(RowFilterCheck.ProblemsOf(["public.*"], [], new Dictionary<string, string>(), [], postgres: true, ["public.orders"]));
        Assert.Equal("PartitionNotSupported", postgres.ErrorId);
        Assert.Contains("-RowFilter", postgres.Message);
    }

    [Fact]
    public void The_object_list_reads_a_Partitions_column()
    {
        var request = new NewTaskRequest { Name = "t", Source = "a", Target = "b", Include = [], MigrationTypes = [MigrationTypes.Full] };
        var rows = new List<IReadOnlyDictionary<string, string?>>
        {
            new Dictionary<string, string?> { ["Table"] = "shop.orders", ["Partitions"] = "p2025,p2026" },
            new Dictionary<string, string?> { ["Table"] = "shop.items", ["Partitions"] = "" },
        };
        var read = TaskObjectList.AddTo(request, rows, "objects.csv");
        Assert.Equal("p2025,p2026", Assert.Single(read.Partitions!).Value);
        var options = new TaskOptionReader("t");
        Assert.Equal(["p2025", "p2026"], options.Partitions(read.Partitions)["shop.orders"]);
    }

    [Fact]
    public void The_partition_clause_quotes_each_name_and_precedes_system_time()
    {
        Assert.Equal("`shop`.`orders` PARTITION (`p2025`, `p``x`) FOR SYSTEM_TIME ALL", MySqlSyntax.AllRowsOf("shop", "orders", true, ["p2025", "p`x"]));
        Assert.Equal("`shop`.`orders`", MySqlSyntax.AllRowsOf("shop", "orders", false, null));
        Assert.Equal("", MySqlSyntax.PartitionClause([]));
    }
}
