using OmsSync.Engine.Errors;
using OmsSync.Engine.Mapping;
using Xunit;

namespace OmsSync.Engine.Tests.Mapping;

/// <summary>A refusal gets its row's key once, where the row is read, whichever converter refused the value.</summary>
public sealed class NotRepresentableTests
{
    [Fact]
    public void TheKeyGoesAfterTheColumnOnceAndTheRestOfTheMessageStays()
    {
        var refused = NotRepresentable.InMySql("s.t", "x", "NaN", "decimal(65,30)", "MySQL's DECIMAL holds no NaN.");
        Assert.True(NotRepresentable.LacksKey(refused));
        var keyed = NotRepresentable.WithKey(refused, NotRepresentable.Key([("a", "7"), ("b", "k é"), ("c", null)]));
        Assert.Equal("ValueNotRepresentable", keyed.ErrorId);
        Assert.Equal(OmsErrorKind.DataError, keyed.Kind);
        Assert.Equal("s.t", keyed.Target);
        Assert.Equal("Table s.t, column x, row with key (a = 7, b = k é, c = NULL): the value 'NaN' cannot be stored in MySQL's decimal(65,30): " +
                     "MySQL's DECIMAL holds no NaN. Change the value on the source, or leave the column out with -Column.", keyed.Message);
        // Named once: an outer reader of the same row leaves it as it is.
        Assert.False(NotRepresentable.LacksKey(keyed));
        Assert.Same(keyed, NotRepresentable.WithKey(keyed, "(a = 8)"));
    }

    [Fact]
    public void AKeylessTablesRefusalNamesNoKeyAndALongKeyValueIsCut()
    {
        var refused = NotRepresentable.InPostgres("`d`.`t`", "`p`", "0x00", "geometry(Point,4326)", "its SRID is 0");
        Assert.Same(refused, NotRepresentable.WithKey(refused, null));
        Assert.Equal("(k = " + new string('x', 80) + "...)", NotRepresentable.Key([("k", new string('x', 100))]));
    }
}
