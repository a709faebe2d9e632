using FlowSpike.Records.Parquet;

namespace FlowSpike.Tests.Records;

/// <summary>Spreading a Parquet page's values over its rows by runs agrees with its row-by-row twin.</summary>
public class NullExpansionTests
{
    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(1, 0.01)]
    [InlineData(1, 0.5)]
    [InlineData(1, 1.0)]
    [InlineData(2, 0.3)]
    public void Expanding_by_runs_agrees_with_the_row_by_row_twin(int max, double nullShare)
    {
        var rng = new Random(28 + max);
        foreach (int rows in new[] { 0, 1, 2, 7, 64, 1000, 4097 })
        {
            var defs = new int[rows];
            int present = 0;
            for (int i = 0; i < rows; i++)
            {
                // Any level below the maximum is a null in a flat column.
                defs[i] = rng.NextDouble() < nullShare ? rng.Next(max) : max;
                if (defs[i] == max)
                    present++;
            }
            var values = Enumerable.Range(0, present).Select(i => 1000 + (i * 3)).ToArray();
            var fast = new int[rows];
            var scalar = new int[rows];
            int takenFast = ColumnReader.ExpandNulls(defs, max, values, fast);
            int takenScalar = ColumnReader.ExpandNullsScalar(defs, max, values, scalar);
            Assert.Equal(scalar, fast);
            Assert.Equal(present, takenFast);
            Assert.Equal(present, takenScalar);
            // Independently: the k-th present row holds the k-th value, every other row -1.
            int k = 0;
            for (int i = 0; i < rows; i++)
                Assert.Equal(defs[i] == max ? values[k++] : -1, fast[i]);
        }
    }
}
