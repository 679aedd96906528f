using OmsSync.Engine.MySql.Binlog;
using Xunit;

namespace OmsSync.Engine.Tests.MySql.Binlog;

public sealed class GtidTests
{
    [Fact]
    public void MariaDbGtidListParsesSortsAndReplacesPerDomain()
    {
        var list = MariaDbGtidList.Parse("1-2-7, 0-1-100");
        Assert.Equal("0-1-100,1-2-7", list.ToString());
        Assert.Equal("0-3-101,1-2-7", list.With(new MariaDbGtid(0, 3, 101)).ToString());
        Assert.Equal("0-1-100,1-2-7,5-1-1", list.With(MariaDbGtid.Parse("5-1-1")).ToString());
        Assert.Equal("0-1-100,1-2-7", list.ToString()); // immutable
        Assert.Equal(new MariaDbGtid(1, 2, 7), list.Find(1));
        Assert.Null(list.Find(9));
        Assert.Equal(MariaDbGtidList.Parse("0-1-100,1-2-7"), list);
        Assert.Equal("", MariaDbGtidList.Parse("").ToString());
    }

    [Theory]
    [InlineData("0-1")]
    [InlineData("a-b-c")]
    [InlineData("0-1-2,0-1-3")]
    [InlineData("-1-1-1")]
    public void BadMariaDbGtidListsAreRejected(string text)
    {
        Assert.Throws<FormatException>(() => MariaDbGtidList.Parse(text));
    }

    [Fact]
    public void MySqlGtidSetMergesIntervals()
    {
        var uuid = Guid.Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562");
        var set = MySqlGtidSet.Parse("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-3:5");
        Assert.Equal("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3:5", set.ToString());
        Assert.Equal("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5", set.Add(uuid, 4).ToString());
        Assert.Equal("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3:5-6", set.Add(uuid, 6).ToString());
        Assert.Same(set, set.Add(uuid, 2));
        Assert.True(set.Contains(uuid, 5));
        Assert.False(set.Contains(uuid, 4));
        var other = Guid.Parse("00000000-0000-0000-0000-000000000001");
        Assert.Equal("00000000-0000-0000-0000-000000000001:9,3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3:5",
            set.Union(MySqlGtidSet.Parse($"{other}:9")).ToString());
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("3e11fa47-71ca-11e1-9e33-c80aa9429562:5-3")]
    [InlineData("3e11fa47-71ca-11e1-9e33-c80aa9429562:0")]
    public void BadMySqlGtidSetsAreRejected(string text)
    {
        Assert.Throws<FormatException>(() => MySqlGtidSet.Parse(text));
    }
}
