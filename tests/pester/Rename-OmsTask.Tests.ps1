BeforeDiscovery { . $PSScriptRoot/CmdletContract.ps1 }
BeforeAll {
    Import-Module $PSScriptRoot/TestKit.psm1 -Force
    Import-OmsSyncModule
    $stateHome = New-TestHome
}
AfterAll { Remove-TestHome $stateHome }

Describe 'Rename-OmsTask' {
    Test-CmdletContract Rename-OmsTask -Parameters Name, NewName, PassThru -Mandatory ':Name', ':NewName' -ByPropertyName Name -ConfirmImpact Medium

    Context 'renaming' -Tag Integration {
        It 'renames a task that has run; it goes on from its checkpoint with its state, nothing lost or applied twice' {
            $db = New-TestDatabaseName ren
            Invoke-TestSql MariaDbA "CREATE DATABASE ``$db``; CREATE TABLE ``$db``.t (id INT PRIMARY KEY, v INT NOT NULL); INSERT INTO ``$db``.t SELECT seq, seq FROM ``$db``.seq_1_to_100"
            $t = New-TestTask -Database $db -MigrationType 'Schema,Full,Incremental'
            $newName = New-TestName renamed
            try {
                $null = Start-OmsForward $t.Task -Wait -Confirm:$false
                Wait-TestTaskPhase $t.Task
                Invoke-TestSql MariaDbA "INSERT INTO ``$db``.t SELECT seq, seq FROM ``$db``.seq_101_to_150"
                Wait-TestCondition -What '150 rows on the target' -Condition { (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t" -Scalar) -eq 150 }
                Rename-OmsTask $t.Task -NewName $newName -Confirm:$false -ErrorVariable running -ErrorAction SilentlyContinue
                $running[0].FullyQualifiedErrorId | Should -BeLike 'TaskRunning,*'

                $workerPid = (Get-OmsTask $t.Task).WorkerPid
                Suspend-OmsTask $t.Task -Confirm:$false
                Wait-TestCondition -What 'the suspended worker to exit' -Condition { -not (Get-Process -Id $workerPid -ErrorAction SilentlyContinue) }
                $before = Get-OmsTask $t.Task
                # Changes made while the task is suspended are picked up from its checkpoint under the new name.
                Invoke-TestSql MariaDbA "INSERT INTO ``$db``.t SELECT seq, seq FROM ``$db``.seq_151_to_200; UPDATE ``$db``.t SET v = -v WHERE id <= 10; DELETE FROM ``$db``.t WHERE id BETWEEN 11 AND 20"
                $renamed = Rename-OmsTask $t.Task -NewName $newName -PassThru -Confirm:$false
                $renamed.Name | Should -Be $newName
                $renamed.Position | Should -Be $before.Position
                $renamed.RowsCopied | Should -Be $before.RowsCopied
                Get-OmsTask $t.Task -ErrorVariable gone -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
                $gone[0].FullyQualifiedErrorId | Should -BeLike 'TaskNotFound,*'
                Test-Path ([OmsSync.Engine.State.OmsHome]::Default().WorkerLog($newName, 'Forward')) | Should -BeTrue

                Resume-OmsTask $newName -Confirm:$false
                Wait-TestTaskPhase $newName
                Wait-TestCondition -What '190 rows on the target' -Condition { (Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM ``$($t.TargetDatabase)``.t" -Scalar) -eq 190 }
                $source = Invoke-TestSql MariaDbA "SELECT CONCAT(COUNT(*), ' ', SUM(v), ' ', SUM(id * v)) FROM ``$db``.t" -Scalar
                Invoke-TestSql MariaDbB "SELECT CONCAT(COUNT(*), ' ', SUM(v), ' ', SUM(id * v)) FROM ``$($t.TargetDatabase)``.t" -Scalar | Should -Be $source
                # The checkpoint it went on from is the one it wrote under its first name: no second row in `oms`.
                $key = (Get-TestStoredTask $newName).OmsKey
                $key | Should -BeLike "$($t.Task)#*"
                Invoke-TestSql MariaDbB "SELECT COUNT(*) FROM oms.checkpoints WHERE task LIKE '$newName%'" -Scalar | Should -Be 0
            } finally {
                Remove-OmsTask $newName -Force -Confirm:$false -ErrorAction SilentlyContinue
                Remove-TestTask $t
                Remove-TestDatabase $db
            }
        }
        It 'refuses a name another task has (TaskExists) and a bad name (InvalidTaskName), keeping the task' {
            $t = New-TestTask
            $other = New-TestTask
            try {
                Rename-OmsTask $t.Task -NewName $other.Task -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
                $e[0].FullyQualifiedErrorId | Should -BeLike 'TaskExists,*'
                Rename-OmsTask $t.Task -NewName 'has space' -Confirm:$false -ErrorVariable e2 -ErrorAction SilentlyContinue
                $e2[0].FullyQualifiedErrorId | Should -BeLike 'InvalidTaskName,*'
                Get-OmsTask $t.Task | Should -Not -BeNullOrEmpty
            } finally { Remove-TestTask $t; Remove-TestTask $other }
        }
        It 'changes only the case of a name' {
            $t = New-TestTask
            try {
                $upper = $t.Task.ToUpperInvariant()
                (Rename-OmsTask $t.Task -NewName $upper -PassThru -Confirm:$false).Name | Should -BeExactly $upper
                (Get-OmsTask $t.Task).Name | Should -BeExactly $upper
            } finally { Remove-TestTask $t }
        }
    }
}
