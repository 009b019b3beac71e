<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Actions</name>
    <message>
        <source>&amp;Open Images…</source>
        <translation>打开图片(&amp;O)…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Classify image files</source>
        <translation>对图片文件分类</translation>
    </message>
    <message>
        <source>Open &amp;Folder…</source>
        <translation>打开文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Classify every image in a folder and its sub-folders</source>
        <translation>对文件夹及其子文件夹中的所有图片分类</translation>
    </message>
    <message>
        <source>Try the &amp;Sample Images</source>
        <translation>试试示例图片(&amp;S)</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>示例</translation>
    </message>
    <message>
        <source>Classify the sample images that come with ResLens</source>
        <translation>对 ResLens 自带的示例图片分类</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Classify the image, files or file paths on the clipboard</source>
        <translation>对剪贴板中的图片、文件或文件路径分类</translation>
    </message>
    <message>
        <source>&amp;Export Results…</source>
        <translation>导出结果(&amp;E)…</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Save the results shown as CSV or JSON</source>
        <translation>将显示的结果保存为 CSV 或 JSON</translation>
    </message>
    <message>
        <source>&amp;Clear Results</source>
        <translation>清除结果(&amp;C)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Remove all results</source>
        <translation>移除全部结果</translation>
    </message>
    <message>
        <source>C&amp;ancel</source>
        <translation>取消(&amp;A)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop classifying after the current batch</source>
        <translation>在当前批次完成后停止分类</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Use a %1</source>
        <translation>使用 %1</translation>
    </message>
    <message>
        <source>%1 classes, %2×%2 input; downloaded from torchvision once</source>
        <translation>%1 个类别，%2×%2 输入；从 torchvision 下载一次</translation>
    </message>
    <message>
        <source>%1 classes, %2×%2 input</source>
        <translation>%1 个类别，%2×%2 输入</translation>
    </message>
    <message>
        <source>The fastest path this computer has that agrees with fp32 on 99 % of a calibration set: measured once per model (the first images run on PyTorch meanwhile), then cached (the default)</source>
        <translation>本机上最快、且在校准集上与 fp32 一致率达 99% 的运行方式：每个模型测量一次（其间先用 PyTorch 运行最初的图片），然后缓存（默认）</translation>
    </message>
    <message>
        <source>PyTorch runs the model: the exact path</source>
        <translation>由 PyTorch 运行模型：精确路径</translation>
    </message>
    <message>
        <source>&amp;Auto</source>
        <translation>自动(&amp;A)</translation>
    </message>
    <message>
        <source>The fastest device found (CUDA, then MPS, then the CPU)</source>
        <translation>找到的最快设备（依次为 CUDA、MPS、CPU）</translation>
    </message>
    <message>
        <source>Load &amp;Weights…</source>
        <translation>加载权重(&amp;W)…</translation>
    </message>
    <message>
        <source>Load &amp;Labels…</source>
        <translation>加载标签(&amp;L)…</translation>
    </message>
    <message>
        <source>Name the classes from a text file (one label per line)</source>
        <translation>用文本文件为类别命名（每行一个标签）</translation>
    </message>
    <message>
        <source>&amp;Download ImageNet Weights</source>
        <translation>下载 ImageNet 权重(&amp;D)</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Download torchvision&apos;s ImageNet weights for the chosen architecture</source>
        <translation>为所选网络结构下载 torchvision 的 ImageNet 权重</translation>
    </message>
    <message>
        <source>&amp;Model Card</source>
        <translation>模型卡片(&amp;M)</translation>
    </message>
    <message>
        <source>What the loaded model knows and how it was made</source>
        <translation>已加载模型能识别什么、它是如何训练出来的</translation>
    </message>
    <message>
        <source>&amp;Train New Model…</source>
        <translation>训练新模型(&amp;T)…</translation>
    </message>
    <message>
        <source>Teach ResLens your own classes from a few images each</source>
        <translation>每个类别只需几张图片，教 ResLens 识别你自己的类别</translation>
    </message>
    <message>
        <source>&amp;Evaluate on a Folder…</source>
        <translation>在文件夹上评估(&amp;E)…</translation>
    </message>
    <message>
        <source>Measure the model on a folder with one sub-folder per class</source>
        <translation>在每个类别一个子文件夹的文件夹上衡量模型</translation>
    </message>
    <message>
        <source>Export for ResLens &amp;Lite / ONNX…</source>
        <translation>导出为 ResLens Lite / ONNX(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;Model Column</source>
        <translation>模型列(&amp;M)</translation>
    </message>
    <message>
        <source>Show which model classified each image (name and weights hash)</source>
        <translation>显示每张图片由哪个模型分类（名称和权重哈希）</translation>
    </message>
    <message>
        <source>&amp;About ResLens</source>
        <translation>关于 ResLens(&amp;A)</translation>
    </message>
    <message>
        <source>Versions and licence</source>
        <translation>版本与许可证</translation>
    </message>
    <message>
        <source>&amp;Why Residual?</source>
        <translation>为什么要残差(&amp;W)？</translation>
    </message>
    <message>
        <source>Train plain and residual networks side by side and see why the shortcut matters</source>
        <translation>并排训练普通网络和残差网络，看看捷径连接为何重要</translation>
    </message>
    <message>
        <source>&amp;Sketch…</source>
        <translation>手绘(&amp;S)…</translation>
    </message>
    <message>
        <source>Draw a shape and watch the model classify it as you draw</source>
        <translation>画一个形状，边画边看模型如何分类</translation>
    </message>
    <message>
        <source>Show &amp;Heat-maps on Thumbnails</source>
        <translation>在缩略图上显示热力图(&amp;H)</translation>
    </message>
    <message>
        <source>Lay each result&apos;s top-1 Grad-CAM over its thumbnail (computed for the rows in view)</source>
        <translation>在每个结果的缩略图上叠加其前 1 类别的热力图 (Grad-CAM)（只计算可见的行）</translation>
    </message>
    <message>
        <source>ONNX Runtime runs the model in fp32: faster on most CPUs</source>
        <translation>由 ONNX Runtime 以 fp32 运行模型：在大多数 CPU 上更快</translation>
    </message>
    <message>
        <source>ONNX Runtime runs an int8 model, about twice as fast on a CPU; it is checked against fp32 once and refused below 98 % agreement</source>
        <translation>由 ONNX Runtime 运行 int8 模型，在 CPU 上约快一倍；会与 fp32 对比检查一次，一致率低于 98 % 时不予使用</translation>
    </message>
    <message>
        <source>Grad-CAM heat maps always use the PyTorch model.</source>
        <translation>热力图 (Grad-CAM) 始终使用 PyTorch 模型。</translation>
    </message>
    <message>
        <source>%1. %2</source>
        <translation>%1。%2</translation>
    </message>
    <message>
        <source>Follow the language of the system</source>
        <translation>跟随系统语言</translation>
    </message>
    <message>
        <source>Show ResLens in English</source>
        <translation>以英文显示 ResLens</translation>
    </message>
    <message>
        <source>Show ResLens in Simplified Chinese</source>
        <translation>以简体中文显示 ResLens</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>网络结构</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>&amp;Device</source>
        <translation>设备(&amp;D)</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Architecture Panel</source>
        <translation>网络结构面板(&amp;A)</translation>
    </message>
    <message>
        <source>Show the layers of the network</source>
        <translation>显示网络的各层</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>How many of the most likely classes to show for the images classified next</source>
        <translation>接下来分类的图片显示几个最可能的类别</translation>
    </message>
    <message>
        <source>Top-k:</source>
        <translation>前 k 个：</translation>
    </message>
    <message>
        <source>Unknown below:</source>
        <translation>低于此值为未知：</translation>
    </message>
    <message>
        <source>Run the model on %1</source>
        <translation>在 %1 上运行模型</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>ResLens stopped unexpectedly last time. What it was doing is in %1; please attach that file to a bug report.</source>
        <translation>ResLens 上次意外退出。退出前的运行情况记录在 %1 中；提交错误报告时请附上该文件。</translation>
    </message>
</context>
<context>
    <name>ArchTreeModel</name>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>乘加运算量 (MACs)</translation>
    </message>
    <message>
        <source>choose a stage, block or layer of the network</source>
        <translation>请选择网络的某个阶段、块或层</translation>
    </message>
    <message>
        <source>its output is a vector, not a feature map</source>
        <translation>它的输出是向量，而不是特征图</translation>
    </message>
    <message>
        <source>its output is 1 × 1: no map left to show where</source>
        <translation>它的输出为 1 × 1：已没有可显示位置的特征图</translation>
    </message>
    <message>
        <source>it runs more than once per image (a block reuses it), so it has no single feature map</source>
        <translation>每张图片会运行它不止一次（被一个块重复使用），因此没有唯一的特征图</translation>
    </message>
    <message>
        <source>No heat-map at this row: %1.</source>
        <translation>此行没有热力图：%1。</translation>
    </message>
</context>
<context>
    <name>ArchType</name>
    <message>
        <source>ResNet</source>
        <translation>残差网络 (ResNet)</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>模块组 (Group)</translation>
    </message>
    <message>
        <source>BasicBlock</source>
        <translation>基本残差块 (BasicBlock)</translation>
    </message>
    <message>
        <source>Bottleneck</source>
        <translation>瓶颈块 (Bottleneck)</translation>
    </message>
    <message>
        <source>Conv2d</source>
        <translation>卷积层 (Conv2d)</translation>
    </message>
    <message>
        <source>BatchNorm2d</source>
        <translation>批归一化 (BatchNorm2d)</translation>
    </message>
    <message>
        <source>ReLU</source>
        <translation>激活函数 (ReLU)</translation>
    </message>
    <message>
        <source>MaxPool2d</source>
        <translation>最大池化 (MaxPool2d)</translation>
    </message>
    <message>
        <source>AdaptiveAvgPool2d</source>
        <translation>全局平均池化 (AdaptiveAvgPool2d)</translation>
    </message>
    <message>
        <source>Linear</source>
        <translation>全连接层 (Linear)</translation>
    </message>
    <message>
        <source>Sequential (downsample)</source>
        <translation>下采样捷径 (Sequential)</translation>
    </message>
    <message>
        <source>Group (stem)</source>
        <translation>主干输入层 (stem)</translation>
    </message>
    <message>
        <source>Group (head)</source>
        <translation>分类头 (head)</translation>
    </message>
    <message>
        <source>Sequential (stage)</source>
        <translation>阶段 (Sequential)</translation>
    </message>
</context>
<context>
    <name>ArchitecturePanel</name>
    <message>
        <source>The whole network: stem, four stages of residual blocks, then the classifier head.</source>
        <translation>整个网络：主干输入层、四个由残差块组成的阶段，最后是分类头。</translation>
    </message>
    <message>
        <source>A group of the network&apos;s top-level modules, as the ResNet paper&apos;s Table 1 reads.</source>
        <translation>网络顶层模块的一个分组，与 ResNet 论文表 1 的划分一致。</translation>
    </message>
    <message>
        <source>A stage: residual blocks at one resolution; its first block may downsample.</source>
        <translation>一个阶段：同一分辨率下的若干残差块；第一个残差块可能进行下采样。</translation>
    </message>
    <message>
        <source>A residual block: two 3×3 convolutions and a shortcut, out = relu(F(x) + shortcut(x)); the shortcut is the identity mapping unless the block downsamples.</source>
        <translation>基本残差块：两个 3×3 卷积加一条捷径，out = relu(F(x) + shortcut(x))；除非该块进行下采样，捷径就是恒等映射。</translation>
    </message>
    <message>
        <source>A bottleneck block: 1×1 (reduce) → 3×3 → 1×1 (expand ×4) convolutions and a shortcut, out = relu(F(x) + shortcut(x)).</source>
        <translation>瓶颈块（瓶颈结构）：1×1（降维）→ 3×3 → 1×1（升维 ×4）三个卷积加一条捷径，out = relu(F(x) + shortcut(x))。</translation>
    </message>
    <message>
        <source>A convolution: learned filters slid over the feature map.</source>
        <translation>卷积：用学习得到的滤波器在特征图上滑动。</translation>
    </message>
    <message>
        <source>Normalises each channel, then scales and shifts it (2 parameters a channel).</source>
        <translation>批归一化：对每个通道做归一化，再缩放和平移（每个通道 2 个参数）。</translation>
    </message>
    <message>
        <source>max(0, x), element by element; no parameters.</source>
        <translation>逐元素计算 max(0, x)；没有参数。</translation>
    </message>
    <message>
        <source>Keeps the largest value of each window, halving the resolution.</source>
        <translation>最大池化：保留每个窗口中的最大值，分辨率减半。</translation>
    </message>
    <message>
        <source>Global average pooling: averages each channel over the whole map, for any input size.</source>
        <translation>全局平均池化：在整张特征图上对每个通道取平均，适用于任意输入尺寸。</translation>
    </message>
    <message>
        <source>The classifier: one score (logit) per class.</source>
        <translation>分类器：每个类别输出一个分数（logit）。</translation>
    </message>
    <message>
        <source>Downsample: the projection shortcut, a strided 1×1 convolution and BatchNorm, so x matches F(x) in size and channels where the block changes them.</source>
        <translation>下采样：投影捷径，即带步幅的 1×1 卷积加批归一化，使 x 在该块改变尺寸和通道数时与 F(x) 对齐。</translation>
    </message>
    <message>
        <source>The shortcut is added before the last ReLU, relu(F(x) + x): a block whose F(x) is zero passes x on unchanged, and the gradient reaches x through the addition undiminished. The addition makes a new tensor, never adds in place: autograd keeps tensors such as a convolution&apos;s input for the backward pass, and overwriting one (x += identity, or an in-place ReLU on the block&apos;s input) breaks the gradient.</source>
        <translation>捷径在最后一个 ReLU 之前相加，即 relu(F(x) + x)：F(x) 为零的块会原样传递 x，梯度也经加法不衰减地到达 x。加法生成新张量，从不原地相加：autograd 会为反向传播保存某些张量（例如卷积的输入），覆盖其中之一（x += identity，或对块的输入做原地 ReLU）会破坏梯度。</translation>
    </message>
    <message>
        <source>Compare a plain and a residual block…</source>
        <translation>比较普通块与残差块…</translation>
    </message>
    <message>
        <source>Search layers (name or type)…</source>
        <translation>搜索层（名称或类型）…</translation>
    </message>
    <message>
        <source>Select a layer to see its details.</source>
        <translation>选择一层以查看详情。</translation>
    </message>
    <message>
        <source>the model file holds no architecture tree</source>
        <translation>该模型文件不含架构树</translation>
    </message>
    <message>
        <source>Measuring %1…</source>
        <translation>正在测量 %1…</translation>
    </message>
    <message>
        <source>Could not measure %1: %2</source>
        <translation>无法测量 %1：%2</translation>
    </message>
    <message>
        <source>%1 parameters · %2MACs (%3FLOPs) per image</source>
        <translation>参数量 %1 · 每张图片 %2MACs 乘加运算（%3FLOPs）</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>%1 (%2 of the network)</source>
        <translation>%1（占整个网络的 %2）</translation>
    </message>
    <message>
        <source>Its own parameters</source>
        <translation>自身参数量</translation>
    </message>
    <message>
        <source>Trainable</source>
        <translation>可训练参数量</translation>
    </message>
    <message>
        <source>MACs</source>
        <translation>乘加运算量 (MACs)</translation>
    </message>
    <message>
        <source>%1 (%2, FLOPs = 2 × MACs)</source>
        <translation>%1（%2，浮点运算量 FLOPs = 2 × MACs）</translation>
    </message>
    <message>
        <source>Children</source>
        <translation>子模块数</translation>
    </message>
    <message numerus="yes">
        <source>%n class(es)</source>
        <translation>
            <numerusform>%n 个类别</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 · %2 · input %3×%3</source>
        <translation>%1 · %2 · 输入 %3×%3</translation>
    </message>
</context>
<context>
    <name>Backends</name>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
</context>
<context>
    <name>BlockDiagram</name>
    <message>
        <source>The same layers with and without the shortcut: the residual block adds its input x to F(x) before the last ReLU.</source>
        <translation>相同的层，有无捷径之别：残差块在最后一个 ReLU 之前把输入 x 加到 F(x) 上。</translation>
    </message>
    <message>
        <source>Plain block</source>
        <translation>普通块</translation>
    </message>
    <message>
        <source>Residual block</source>
        <translation>残差块</translation>
    </message>
    <message>
        <source>out</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>shortcut: x</source>
        <translation>捷径：x</translation>
    </message>
    <message>
        <source>Plain and Residual Blocks</source>
        <translation>普通块与残差块</translation>
    </message>
</context>
<context>
    <name>CamController</name>
    <message>
        <source>A heat map at a layer other than layer4</source>
        <translation>在 layer4 以外的层上生成热力图</translation>
    </message>
    <message>
        <source>a ResLens Lite model file has its heat map at layer4 only; open its PyTorch weights for the other layers</source>
        <translation>ResLens Lite 模型文件只有 layer4 的热力图；要看其他层，请打开它的 PyTorch 权重</translation>
    </message>
    <message>
        <source>Export Heat-map</source>
        <translation>导出热力图</translation>
    </message>
    <message>
        <source>Could not export: %1</source>
        <translation>无法导出：%1</translation>
    </message>
    <message>
        <source>Saved %1 and %2.</source>
        <translation>已保存 %1 和 %2。</translation>
    </message>
</context>
<context>
    <name>CamControls</name>
    <message>
        <source>Top-1 (%1)</source>
        <translation>前 1 个（%1）</translation>
    </message>
    <message>
        <source>The class whose evidence the heat-map shows.</source>
        <translation>热力图显示其证据的类别。</translation>
    </message>
    <message>
        <source>Show the heat-map</source>
        <translation>显示热力图</translation>
    </message>
    <message>
        <source>How strongly the heat-map covers the picture.</source>
        <translation>热力图覆盖图片的浓淡程度。</translation>
    </message>
    <message>
        <source>Computing the heat-map…</source>
        <translation>正在计算热力图…</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <source>Save the overlay as a PNG, and the raw map beside it as a 16-bit grey PNG.</source>
        <translation>将叠加图保存为 PNG，并在旁边另存原始热力图为 16 位灰度 PNG。</translation>
    </message>
    <message>
        <source>Explain:</source>
        <translation>解释：</translation>
    </message>
    <message>
        <source>Layer:</source>
        <translation>层：</translation>
    </message>
    <message>
        <source>Heat-map:</source>
        <translation>热力图：</translation>
    </message>
    <message>
        <source>No heat-map: %1</source>
        <translation>没有热力图：%1</translation>
    </message>
    <message>
        <source>Where the network found evidence for %1 (%2).</source>
        <translation>网络在这些位置找到了“%1”的证据（%2）。</translation>
    </message>
    <message>
        <source>This layer holds no positive evidence for %1.</source>
        <translation>这一层没有“%1”的正向证据。</translation>
    </message>
</context>
<context>
    <name>ClassCard</name>
    <message>
        <source>Class name</source>
        <translation>类别名称</translation>
    </message>
    <message>
        <source>Class %1</source>
        <translation>类别 %1</translation>
    </message>
    <message>
        <source>Drop images or a folder here</source>
        <translation>将图片或文件夹拖放到这里</translation>
    </message>
    <message>
        <source>Add Images…</source>
        <translation>添加图片…</translation>
    </message>
    <message>
        <source>Paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>Add the image or files on the clipboard (Ctrl+V)</source>
        <translation>添加剪贴板中的图片或文件 (Ctrl+V)</translation>
    </message>
    <message>
        <source>Remove this class</source>
        <translation>移除此类别</translation>
    </message>
    <message>
        <source>Add Images to %1</source>
        <translation>向 %1 添加图片</translation>
    </message>
    <message>
        <source>Images (%1);;All files (*)</source>
        <translation>图片 (%1);;所有文件 (*)</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s), %1 unreadable (skipped)</source>
        <translation>
            <numerusform>%n 张图片，%1 张无法读取（已跳过）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n 张图片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n added since the last training</source>
        <translation>
            <numerusform>上次训练后新增 %n 张</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassesPanel</name>
    <message>
        <source>Choose Folder…</source>
        <translation>选择文件夹…</translation>
    </message>
    <message>
        <source>A folder with one sub-folder of images per class</source>
        <translation>每个类别一个图片子文件夹的文件夹</translation>
    </message>
    <message>
        <source>Add Class</source>
        <translation>添加类别</translation>
    </message>
    <message>
        <source>Add at least two classes, with a few images each.</source>
        <translation>至少添加两个类别，每个类别几张图片。</translation>
    </message>
    <message>
        <source>Class %1</source>
        <translation>类别 %1</translation>
    </message>
    <message>
        <source>Two classes are called %1.</source>
        <translation>有两个类别都叫 %1。</translation>
    </message>
    <message>
        <source>%1 has no images yet.</source>
        <translation>%1 还没有图片。</translation>
    </message>
    <message>
        <source>Looking at the images… %1 of %2</source>
        <translation>正在查看图片… 第 %1 张，共 %2 张</translation>
    </message>
    <message numerus="yes">
        <source>%n class(es), %1 images</source>
        <translation>
            <numerusform>%n 个类别，%1 张图片</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose a Folder of Classes</source>
        <translation>选择类别文件夹</translation>
    </message>
    <message>
        <source>Add at least two classes.</source>
        <translation>至少添加两个类别。</translation>
    </message>
    <message>
        <source>Every class needs a name.</source>
        <translation>每个类别都需要名称。</translation>
    </message>
    <message>
        <source>Looking at the images…</source>
        <translation>正在查看图片…</translation>
    </message>
</context>
<context>
    <name>ClassifierWorker</name>
    <message>
        <source>Could not start the model engine: %1</source>
        <translation>无法启动模型引擎：%1</translation>
    </message>
    <message>
        <source>Interrupted.</source>
        <translation>已中断。</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>尚未加载模型。</translation>
    </message>
    <message>
        <source>The layer %1 gives no single feature map; choose a stage, a block or a convolution.</source>
        <translation>层 %1 没有唯一的特征图；请选择一个阶段、一个块或一个卷积层。</translation>
    </message>
    <message>
        <source>No model is loaded, so nothing was classified.</source>
        <translation>尚未加载模型，因此没有进行分类。</translation>
    </message>
    <message>
        <source>Classification stopped: %1</source>
        <translation>分类已停止：%1</translation>
    </message>
</context>
<context>
    <name>ConfusionModel</name>
    <message numerus="yes">
        <source>%1 taken for their own class: %n image(s)</source>
        <translation>
            <numerusform>%1 被认作本类别：%n 张图像</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 called unknown: %n image(s)</source>
        <translation>
            <numerusform>%1 被判为未知：%n 张图像</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 taken for %2: %n image(s)</source>
        <translation>
            <numerusform>%1 被认作 %2：%n 张图像</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Dialogs</name>
    <message>
        <source>ResLens is free software under the MIT licence. ImageNet weights are torchvision&apos;s (BSD-3-Clause code; the weights were trained on ImageNet, whose terms restrict them to non-commercial research and education).</source>
        <translation>ResLens 是采用 MIT 许可证的自由软件。ImageNet 权重来自 torchvision（代码采用 BSD-3-Clause 许可证；这些权重在 ImageNet 上训练，其条款将其限制于非商业的研究与教育用途）。</translation>
    </message>
    <message>
        <source>Lite (ONNX Runtime, without PyTorch)</source>
        <translation>Lite 版（ONNX Runtime，不含 PyTorch）</translation>
    </message>
    <message>
        <source>full (with PyTorch)</source>
        <translation>完整版（含 PyTorch）</translation>
    </message>
    <message>
        <source>Edition</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>平台</translation>
    </message>
    <message>
        <source>Device in use</source>
        <translation>使用的设备</translation>
    </message>
    <message>
        <source>not yet known</source>
        <translation>尚不确定</translation>
    </message>
    <message>
        <source>A desktop image classifier built on ResNet, with an architecture explorer.</source>
        <translation>基于 ResNet 的桌面图片分类器，附带网络结构浏览器。</translation>
    </message>
    <message>
        <source>About ResLens</source>
        <translation>关于 ResLens</translation>
    </message>
    <message>
        <source>Copy Versions</source>
        <translation>复制版本信息</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>%1 … and %2 more</source>
        <translation>%1 … 等，另有 %2 个</translation>
    </message>
    <message>
        <source>What it recognises</source>
        <translation>能识别什么</translation>
    </message>
    <message numerus="yes">
        <source>%n class(es): %1</source>
        <translation>
            <numerusform>%n 个类别：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>RGB images, resized so the shorter side is %1 px (%2), centre-cropped to %3×%3, normalised with the ImageNet mean and standard deviation.</source>
        <translation>RGB 图片，缩放至短边 %1 px（%2），中心裁剪为 %3×%3，再用 ImageNet 的均值和标准差归一化。</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Intended use and limits</source>
        <translation>预期用途与局限</translation>
    </message>
    <message>
        <source>How to reproduce it</source>
        <translation>如何复现</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>网络结构</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Weights hash</source>
        <translation>权重哈希</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Unknown threshold</source>
        <translation>未知阈值</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>%1 top-1 on %2 freshly generated images (seed %3) never used in training</source>
        <translation>在 %2 张从未用于训练的新生成图片（种子 %3）上前 1 准确率为 %1</translation>
    </message>
    <message>
        <source>%1 on the validation set</source>
        <translation>验证集上为 %1</translation>
    </message>
    <message>
        <source>%1 of the %2 sample images right (%3 of %4 photos, %5 of %6 drawings)</source>
        <translation>%2 张示例图片中答对 %1 张（照片 %4 张中对 %3 张，手绘 %6 张中对 %5 张）</translation>
    </message>
    <message>
        <source>%1 of %2 sample photos right</source>
        <translation>%2 张示例照片中 %1 张正确</translation>
    </message>
    <message>
        <source>%1.</source>
        <translation>%1。</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>%1 % top-1, %2 % top-5 on the ImageNet-1K validation set (50,000 images), as torchvision reports it.</source>
        <translation>据 torchvision 报告，在 ImageNet-1K 验证集（50,000 张图片）上前 1 准确率 %1 %，前 5 准确率 %2 %。</translation>
    </message>
    <message>
        <source>Not measured: ResLens knows nothing about how well these weights do.</source>
        <translation>未测量：ResLens 不知道这些权重的效果如何。</translation>
    </message>
    <message>
        <source>Made to show how a ResNet classifies: it knows 12 simple symbols (drawn, printed or photographed) and nothing else. With the unknown threshold off, any other picture still gets one of the 12 names, often with high confidence. Not for decisions about people or safety.</source>
        <translation>用于演示 ResNet 如何分类：它只认识 12 种简单符号（手绘、打印或拍摄的），别的都不认识。未知阈值关闭时，任何其他图片仍会得到这 12 个名称之一，而且置信度往往很高。不可用于涉及人或安全的决策。</translation>
    </message>
    <message>
        <source>Made to show how a ResNet classifies: it knows 12 simple symbols (drawn, printed or photographed) and nothing else. A picture whose top probability is below %1 is shown as unknown (none of the 12 classes); most other pictures are, but some still get one of the 12 names, sometimes with high confidence. Not for decisions about people or safety.</source>
        <translation>用于演示 ResNet 如何分类：它只认识 12 种简单符号（手绘、打印或拍摄的），别的都不认识。首位概率低于 %1 的图片显示为未知（不属于这 12 个类别）；大多数其他图片都会如此，但仍有一些会得到这 12 个名称之一，有时置信度还很高。不可用于涉及人或安全的决策。</translation>
    </message>
    <message>
        <source>General photos of everyday objects and animals (ImageNet&apos;s 1,000 classes). It has no &apos;none of these&apos; answer, reflects the biases of ImageNet&apos;s photos and labels, and is for research and education, not for decisions about people.</source>
        <translation>日常物品和动物的普通照片（ImageNet 的 1,000 个类别）。它没有“都不是”这一答案，会反映 ImageNet 照片和标签中的偏差，仅供研究与教育使用，不可用于涉及人的决策。</translation>
    </message>
    <message>
        <source>Your own weights: their limits are what their training data made them.</source>
        <translation>你自己的权重：其局限取决于训练数据。</translation>
    </message>
    <message>
        <source>Run, from the source folder (seed %1): %2</source>
        <translation>在源代码文件夹中运行（种子 %1）：%2</translation>
    </message>
    <message>
        <source>Run, from the source folder: %1</source>
        <translation>在源代码文件夹中运行：%1</translation>
    </message>
    <message>
        <source>torchvision&apos;s training recipe: %1</source>
        <translation>torchvision 的训练方案：%1</translation>
    </message>
    <message>
        <source>Keep the weights file; its SHA-256 starts with %1.</source>
        <translation>请保留权重文件；其 SHA-256 以 %1 开头。</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
</context>
<context>
    <name>DropOverlay</name>
    <message>
        <source>Drop to classify</source>
        <translation>松开即可分类</translation>
    </message>
</context>
<context>
    <name>EditionUi</name>
    <message>
        <source>This model is a ResLens Lite model file already</source>
        <translation>此模型已经是 ResLens Lite 模型文件</translation>
    </message>
    <message>
        <source>Exporting for ResLens Lite</source>
        <translation>导出为 ResLens Lite</translation>
    </message>
    <message>
        <source>Downloading ImageNet weights</source>
        <translation>下载 ImageNet 权重</translation>
    </message>
    <message>
        <source>Why Residual? (training networks)</source>
        <translation>“为什么要残差？”（训练网络）</translation>
    </message>
    <message>
        <source>ONNX Runtime int8 needs an int8 model file: ResLens (full edition) writes one with reslens-cli export MODEL --out FILE --precision int8; open it with Load Weights</source>
        <translation>ONNX Runtime int8 需要 int8 模型文件：ResLens 完整版可用 reslens-cli export MODEL --out FILE --precision int8 生成；再用“加载权重”打开它</translation>
    </message>
    <message>
        <source>%1 with ImageNet weights</source>
        <translation>使用 ImageNet 权重的 %1</translation>
    </message>
    <message>
        <source>Write the model in use as a ResLens Lite model file (ONNX with ResLens metadata), which both editions open</source>
        <translation>将当前模型写成 ResLens Lite 模型文件（带 ResLens 元数据的 ONNX），两个版本都能打开</translation>
    </message>
    <message>
        <source>Models (*.safetensors *.pth *.pt *.onnx);;All files (*)</source>
        <translation>模型 (*.safetensors *.pth *.pt *.onnx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>ResLens Lite models (*.onnx);;All files (*)</source>
        <translation>ResLens Lite 模型 (*.onnx);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Use weights from a .pth, .pt or .safetensors file, or a ResLens Lite model (.onnx)</source>
        <translation>使用 .pth、.pt 或 .safetensors 文件中的权重，或 ResLens Lite 模型 (.onnx)</translation>
    </message>
    <message>
        <source>Use a ResLens Lite model file (.onnx)</source>
        <translation>使用 ResLens Lite 模型文件 (.onnx)</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <source>Drop images or a folder here</source>
        <translation>将图片或文件夹拖放到这里</translation>
    </message>
    <message>
        <source>…or open files, a folder (searched recursively) or paste an image (Ctrl+V).</source>
        <translation>…或打开文件、文件夹（包括子文件夹），或粘贴图片 (Ctrl+V)。</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message numerus="yes">
        <source>Model: %1, %n class(es): %2</source>
        <translation>
            <numerusform>模型：%1，%n 个类别：%2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EvaluateWindow</name>
    <message>
        <source>Evaluate on a Folder</source>
        <translation>在文件夹上评估</translation>
    </message>
    <message>
        <source>A folder with one sub-folder per class, named after the class</source>
        <translation>每个类别一个子文件夹、以类别命名的文件夹</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Choose a labelled folder and press Evaluate.</source>
        <translation>选择一个已标注的文件夹，然后按“评估”。</translation>
    </message>
    <message>
        <source>Confusion Matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <source>Per Class</source>
        <translation>各类别</translation>
    </message>
    <message>
        <source>Click a cell of the matrix to see its images.</source>
        <translation>点击矩阵中的单元格查看其中的图像。</translation>
    </message>
    <message>
        <source>Rows: the true class (the folder). Columns: what the model took it for.</source>
        <translation>行：真实类别（文件夹）。列：模型把它认作的类别。</translation>
    </message>
    <message>
        <source>Double-click an image to see it larger, with its heat-map.</source>
        <translation>双击图像可查看大图及其热力图。</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>Waiting for the images being classified…</source>
        <translation>正在等待当前图像分类完成…</translation>
    </message>
    <message>
        <source>Evaluating…</source>
        <translation>正在评估…</translation>
    </message>
    <message>
        <source>The evaluation was cancelled.</source>
        <translation>评估已取消。</translation>
    </message>
    <message>
        <source>Choose a Labelled Folder</source>
        <translation>选择已标注的文件夹</translation>
    </message>
    <message>
        <source>Choose a labelled folder first.</source>
        <translation>请先选择一个已标注的文件夹。</translation>
    </message>
    <message numerus="yes">
        <source>%1 misclassified: %n image(s)</source>
        <translation>
            <numerusform>%1 分类错误：%n 张图像</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EvaluationRun</name>
    <message>
        <source>No model is loaded yet; wait for it and try again.</source>
        <translation>模型尚未加载；请稍候再试。</translation>
    </message>
</context>
<context>
    <name>ExperimentProcess</name>
    <message>
        <source>the experiment&apos;s process ended unexpectedly (exit code %1)</source>
        <translation>实验进程意外结束（退出码 %1）</translation>
    </message>
</context>
<context>
    <name>Exporting</name>
    <message>
        <source>Export Results</source>
        <translation>导出结果</translation>
    </message>
    <message>
        <source>Could not export to %1: %2</source>
        <translation>无法导出到 %1：%2</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n result(s) to %1</source>
        <translation>
            <numerusform>已将 %n 条结果导出到 %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Intake</name>
    <message>
        <source>Open Images</source>
        <translation>打开图片</translation>
    </message>
    <message>
        <source>Images (%1);;All files (*)</source>
        <translation>图片 (%1);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>The clipboard holds no image, file or file path.</source>
        <translation>剪贴板中没有图片、文件或文件路径。</translation>
    </message>
    <message>
        <source>Only files on this computer can be classified; skipped: %1</source>
        <translation>只能对本机上的文件分类；已跳过：%1</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message numerus="yes">
        <source>unknown (none of the %n classes)</source>
        <translation>
            <numerusform>未知（不属于这 %n 个类别）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>&amp;System Language</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
</context>
<context>
    <name>LiteExport</name>
    <message>
        <source>Export for ResLens Lite</source>
        <translation>导出为 ResLens Lite</translation>
    </message>
    <message>
        <source>ResLens Lite models (*.onnx)</source>
        <translation>ResLens Lite 模型 (*.onnx)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Architecture</source>
        <translation>网络结构</translation>
    </message>
    <message>
        <source>Waiting for the model…</source>
        <translation>正在等待模型…</translation>
    </message>
    <message>
        <source>Cancelling after the current batch…</source>
        <translation>将在当前批次完成后取消…</translation>
    </message>
    <message>
        <source>The device %1 is not available; using Auto.</source>
        <translation>设备 %1 不可用；改用自动。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>Model Card</source>
        <translation>模型卡片</translation>
    </message>
    <message>
        <source>The language changes when ResLens is started again (it takes effect on restart).</source>
        <translation>界面语言将在 ResLens 下次启动时更改（重启后生效）。</translation>
    </message>
    <message>
        <source>Could not export for ResLens Lite: %1</source>
        <translation>无法导出为 ResLens Lite：%1</translation>
    </message>
    <message>
        <source>Exporting %1 for ResLens Lite…</source>
        <translation>正在将 %1 导出为 ResLens Lite…</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>Building the ONNX model once (cached in %1)…</source>
        <translation>正在构建 ONNX 模型（仅此一次，缓存在 %1）…</translation>
    </message>
    <message>
        <source>Building the int8 model once, calibrated on %1 (cached in %2)…</source>
        <translation>正在构建 int8 模型（仅此一次，用 %1 校准，缓存在 %2）…</translation>
    </message>
    <message numerus="yes">
        <source>int8: agrees with fp32 on %1 % of %n image(s)</source>
        <translation>
            <numerusform>int8：在 %n 张图片中与 fp32 一致的比例为 %1%</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>int8: agrees with fp32 on %1 % of %n image(s) held out from %2 (not used to calibrate)</source>
        <translation>
            <numerusform>int8：在取自 %2 的 %n 张留出图片（未用于校准）中与 fp32 一致的比例为 %1%</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>int8: agrees with fp32 on %1 % of %n image(s) rendered shapes (%2 has too few images to hold some out)</source>
        <translation>
            <numerusform>int8：在 %n 张渲染的形状图片中与 fp32 一致的比例为 %1%（%2 中的图片太少，无法留出一部分）</numerusform>
        </translation>
    </message>
    <message>
        <source>The cached model %1 could not be used (%2): building it again…</source>
        <translation>缓存的模型 %1 无法使用（%2）：正在重新构建…</translation>
    </message>
    <message>
        <source>The cache folder %1 cannot be written (%2): using %3 for this run</source>
        <translation>缓存文件夹 %1 无法写入（%2）：本次运行改用 %3</translation>
    </message>
    <message>
        <source>The ONNX model built in %1 cannot be used either (%2); use the torch backend</source>
        <translation>在 %1 中构建的 ONNX 模型仍然无法使用（%2）；请使用 torch 后端</translation>
    </message>
    <message>
        <source>%1, below the %2% needed to trust it; use the onnx (fp32) backend, or calibrate int8 on images like yours (--calibrate FOLDER)</source>
        <translation>%1，低于可信所需的 %2%；请使用 onnx (fp32) 后端，或用与你的图片相似的图片校准 int8（--calibrate FOLDER）</translation>
    </message>
    <message numerus="yes">
        <source>CPU (%n thread(s))</source>
        <translation>
            <numerusform>CPU（%n 个线程）</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2 GiB)</source>
        <translation>%1（%2 GiB）</translation>
    </message>
    <message>
        <source>%1</source>
        <translation>%1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>%1 is not downloaded</source>
        <translation>%1 尚未下载</translation>
    </message>
    <message>
        <source>the download of %1 was cancelled</source>
        <translation>%1 的下载已取消</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>%1 could not be loaded: %2</source>
        <translation>无法加载 %1：%2</translation>
    </message>
    <message>
        <source>This file holds a %1: switched to %1.</source>
        <translation>此文件包含的是 %1：已切换到 %1。</translation>
    </message>
    <message>
        <source>%1 runs on %2 (%3).</source>
        <translation>%1 在 %2 上运行（%3）。</translation>
    </message>
    <message>
        <source>%1 could not be used, so %2 classifies: %3</source>
        <translation>无法使用 %1，因此由 %2 进行分类：%3</translation>
    </message>
    <message numerus="yes">
        <source>Bundled model (%n shapes)</source>
        <translation>
            <numerusform>内置模型（%n 种形状）</numerusform>
        </translation>
    </message>
    <message>
        <source>bundled</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 · %2 · labels %3</source>
        <translation>%1 · %2 · 标签 %3</translation>
    </message>
    <message>
        <source>%1 is one of this run&apos;s inputs; choose another output name</source>
        <translation>%1 是本次运行的输入之一；请换一个输出文件名</translation>
    </message>
    <message>
        <source>%1 is inside the data folder %2; write outputs somewhere else</source>
        <translation>%1 位于数据文件夹 %2 之内；请把输出写到别处</translation>
    </message>
    <message>
        <source>%1 already exists and is %2, not a file ResLens wrote; choose another name or use --force</source>
        <translation>%1 已存在，它是%2，不是 ResLens 写入的文件；请换一个名称或使用 --force</translation>
    </message>
    <message>
        <source>cannot write %1: the folder %2 does not exist</source>
        <translation>无法写入 %1：文件夹 %2 不存在</translation>
    </message>
    <message>
        <source>%1 cannot be opened as an ONNX model: %2</source>
        <translation>无法将 %1 作为 ONNX 模型打开：%2</translation>
    </message>
    <message>
        <source>%1 is an ONNX model without ResLens metadata; export it with reslens-cli export</source>
        <translation>%1 是不含 ResLens 元数据的 ONNX 模型；请用 reslens-cli export 导出</translation>
    </message>
    <message>
        <source>%1 is a ResLens model of format %2; this ResLens reads format %3</source>
        <translation>%1 是格式 %2 的 ResLens 模型；此版本的 ResLens 读取格式 %3</translation>
    </message>
    <message>
        <source>%1: its ResLens metadata is not valid (%2)</source>
        <translation>%1：其 ResLens 元数据无效（%2）</translation>
    </message>
    <message>
        <source>%1: the graph&apos;s outputs are %2; a ResLens model has %3</source>
        <translation>%1：计算图的输出为 %2；ResLens 模型的输出应为 %3</translation>
    </message>
    <message>
        <source>%1 holds rows made with other settings (%2); give the same settings, another --out, or --overwrite to recompute every row</source>
        <translation>%1 中的行是用其他设置生成的（%2）；请使用相同的设置、另一个 --out，或用 --overwrite 重新计算所有行</translation>
    </message>
    <message>
        <source>%1 was %2, now %3</source>
        <translation>%1 原为 %2，现为 %3</translation>
    </message>
    <message>
        <source>%1; %2</source>
        <translation>%1；%2</translation>
    </message>
    <message>
        <source>%1 is not a batch record ResLens can read (%2); give another --out, or --overwrite</source>
        <translation>%1 不是 ResLens 能读取的批处理记录（%2）；请指定另一个 --out，或使用 --overwrite</translation>
    </message>
    <message>
        <source>--overwrite: %1 could not be read; a new record is started, and the files the old one named are left as they are</source>
        <translation>--overwrite：无法读取 %1；将开始新的记录，旧记录所列的文件保持原样</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>%1: the metadata names %2 classes but the model gives %3 scores</source>
        <translation>%1：元数据列出 %2 个类别，但模型给出 %3 个分数</translation>
    </message>
    <message>
        <source>cannot write %1: it is a folder; give a file name</source>
        <translation>无法写入 %1：这是一个文件夹；请给出文件名</translation>
    </message>
    <message>
        <source>%1 is not a usable file name</source>
        <translation>%1 不是可用的文件名</translation>
    </message>
    <message>
        <source>an image</source>
        <translation>一张图片</translation>
    </message>
    <message>
        <source>a binary file</source>
        <translation>一个二进制文件</translation>
    </message>
    <message>
        <source>a file of another kind</source>
        <translation>另一种类型的文件</translation>
    </message>
    <message>
        <source>skipped %1: %2</source>
        <translation>已跳过 %1：%2</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>%1 images in %2 classes: %3</source>
        <translation>%2 个类别共 %1 张图片：%3</translation>
    </message>
    <message>
        <source>  - %1</source>
        <translation>  - %1</translation>
    </message>
    <message>
        <source>val acc %1</source>
        <translation>验证准确率 %1</translation>
    </message>
    <message>
        <source>no validation images</source>
        <translation>没有验证图片</translation>
    </message>
    <message>
        <source>best: %1 epoch %2</source>
        <translation>最佳：%1 第 %2 轮</translation>
    </message>
    <message>
        <source>%1 (%2, %3 s); saved %4</source>
        <translation>%1（%2，%3 秒）；已保存 %4</translation>
    </message>
    <message>
        <source>train --quick writes a ResLens Lite model file: --out must end in .onnx, not %1</source>
        <translation>train --quick 写出的是 ResLens 精简版模型文件：--out 须以 .onnx 结尾，而不是 %1</translation>
    </message>
    <message>
        <source>%1: no such folder</source>
        <translation>%1：文件夹不存在</translation>
    </message>
    <message>
        <source>%1: cannot list the folder (%2)</source>
        <translation>%1：无法列出文件夹内容（%2）</translation>
    </message>
    <message>
        <source>%1 needs at least two class sub-folders (one per class), found %2</source>
        <translation>%1 至少需要两个类别子文件夹（每个类别一个），只找到 %2 个</translation>
    </message>
    <message>
        <source>every class needs a name</source>
        <translation>每个类别都需要一个名称</translation>
    </message>
    <message>
        <source>two classes have the same name</source>
        <translation>有两个类别同名</translation>
    </message>
    <message>
        <source>training needs at least two classes, got %1</source>
        <translation>训练至少需要两个类别，现在只有 %1 个</translation>
    </message>
    <message>
        <source>no readable images in class %1</source>
        <translation>类别 %1 中没有可读取的图片</translation>
    </message>
    <message>
        <source>no readable images in class %1 in %2</source>
        <translation>%2 中的类别 %1 没有可读取的图片</translation>
    </message>
    <message>
        <source>no images in this folder</source>
        <translation>此文件夹中没有图片</translation>
    </message>
    <message numerus="yes">
        <source>Class “%1” has only %n image(s); %2 or more per class give a more reliable model.</source>
        <translation>
            <numerusform>类别“%1”只有 %n 张图片；每个类别有 %2 张或更多图片时，模型更可靠。</numerusform>
        </translation>
    </message>
    <message>
        <source>The classes are unbalanced: “%1” has %2 images and “%3” %4; the model will lean towards the larger class.</source>
        <translation>各类别的图片数量不均衡：“%1”有 %2 张，“%3”只有 %4 张；模型会偏向图片较多的类别。</translation>
    </message>
    <message>
        <source>The same picture is in classes %1: %2.</source>
        <translation>同一张图片出现在类别 %1 中：%2。</translation>
    </message>
    <message>
        <source>No class has two images, so none is held out for validation: the last epoch is kept and no accuracy is measured.</source>
        <translation>没有任何类别有两张图像，因此没有图像留作验证：将保留最后一个轮次，并且不测量准确率。</translation>
    </message>
    <message numerus="yes">
        <source>%n class(es) with a single image (%1): it is used for training, and validation does not check these classes.</source>
        <translation>
            <numerusform>%n 个类别只有一张图像（%1）：该图像用于训练，验证不会检查这些类别。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) could not be read and will be skipped.</source>
        <translation>
            <numerusform>%n 个文件无法读取，将被跳过。</numerusform>
        </translation>
    </message>
    <message>
        <source>features</source>
        <translation>特征</translation>
    </message>
    <message>
        <source>head</source>
        <translation>分类头</translation>
    </message>
    <message>
        <source>fine-tune</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>%1 %2/%3</source>
        <translation>%1 %2/%3</translation>
    </message>
    <message>
        <source>train loss %1 acc %2</source>
        <translation>训练损失 %1 准确率 %2</translation>
    </message>
    <message>
        <source>val loss %1 acc %2</source>
        <translation>验证损失 %1 准确率 %2</translation>
    </message>
    <message>
        <source>%1s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1s (about %2s left)</source>
        <translation>%1 秒（约剩 %2 秒）</translation>
    </message>
    <message>
        <source>batch %1/%2</source>
        <translation>第 %1/%2 批</translation>
    </message>
    <message>
        <source>%1  %2</source>
        <translation>%1  %2</translation>
    </message>
    <message>
        <source>bundled model (%1)</source>
        <translation>内置模型（%1）</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>random initialisation (%1)</source>
        <translation>随机初始化（%1）</translation>
    </message>
    <message>
        <source>the bundled model is missing; start from ImageNet weights or a file</source>
        <translation>内置模型缺失；请从 ImageNet 权重或权重文件开始</translation>
    </message>
    <message>
        <source>%1 weights exist for %2, not %3</source>
        <translation>%1 权重只有 %2 的，没有 %3 的</translation>
    </message>
    <message>
        <source>cannot start from %1: not one of %2, and no such file</source>
        <translation>无法从 %1 开始：它不是 %2 之一，也没有这个文件</translation>
    </message>
    <message>
        <source>unknown training setting(s): %1</source>
        <translation>未知的训练设置：%1</translation>
    </message>
    <message>
        <source>Start from the %1; architecture %2 follows it unless changed.</source>
        <translation>从%1开始；网络结构（%2）随之确定，除非另行更改。</translation>
    </message>
    <message>
        <source>as in the file</source>
        <translation>取自文件</translation>
    </message>
    <message>
        <source>Input %1 px instead of the start model&apos;s %2: the pictures are at least that large, and small details (thin strokes) survive; the network adapts to the size while fine-tuning.</source>
        <translation>输入 %1 px，而不是起始模型的 %2 px：图片至少有这么大，细小的细节（细笔画）得以保留；网络会在微调时适应这个尺寸。</translation>
    </message>
    <message>
        <source>Input %1 px, as the start model.</source>
        <translation>输入 %1 px，与起始模型相同。</translation>
    </message>
    <message>
        <source>Validation on the separate folder %1.</source>
        <translation>在单独的文件夹 %1 上验证。</translation>
    </message>
    <message>
        <source>Validation: %1 of each class (seeded, stratified: %2 of the smallest class) chooses the best epoch and measures precision and recall.</source>
        <translation>验证：每个类别取 %1（固定随机种子、分层抽取：最小的类别取 %2 张），用来选出最好的一轮，并衡量精确率和召回率。</translation>
    </message>
    <message>
        <source>Crops keep at least %1 of the picture and turn it at most %2°: with few pictures, harder crops cut the object out.</source>
        <translation>裁剪至少保留图片的 %1，最多旋转 %2°：图片少时，更激进的裁剪会把物体切掉。</translation>
    </message>
    <message>
        <source>Mirror images on, as asked.</source>
        <translation>按要求使用镜像图片。</translation>
    </message>
    <message>
        <source>No mirror images: flips change text, digits and arrows (ask for them where they fit).</source>
        <translation>不使用镜像图片：翻转会改变文字、数字和箭头的含义（合适时可以开启）。</translation>
    </message>
    <message>
        <source>First the frozen network&apos;s features are computed once and a new head is fitted on them in seconds; fine-tuning then starts from that head, so a random head does not disturb the pretrained features.</source>
        <translation>先用冻结的网络把特征计算一次，并在几秒内用这些特征拟合一个新的分类头；之后的微调从这个分类头开始，这样随机的分类头就不会破坏预训练的特征。</translation>
    </message>
    <message>
        <source>the whole network</source>
        <translation>整个网络</translation>
    </message>
    <message>
        <source>the network from %1 on (the first layers&apos; general edge and stroke detectors stay as they are: faster, and steadier on few pictures)</source>
        <translation>从 %1 起的网络（前面几层通用的边缘和笔画检测器保持不变：更快，图片少时也更稳定）</translation>
    </message>
    <message>
        <source>Then up to %1 epochs of fine-tuning %2, in batches of %3, stopping after %4 epochs without a better validation result; the best model is kept.</source>
        <translation>然后对%2进行至多 %1 轮微调，每批 %3 张图片，连续 %4 轮验证结果没有改善就停止；保留最好的模型。</translation>
    </message>
    <message>
        <source>Learning rate %1 (%2, warm-up then cosine decay): large enough to adapt the features to new classes in a few hundred steps.</source>
        <translation>学习率 %1（%2，先预热再余弦衰减）：足以在几百步内让特征适应新的类别。</translation>
    </message>
    <message>
        <source>Computing features</source>
        <translation>正在计算特征</translation>
    </message>
    <message>
        <source>Fitting the new head</source>
        <translation>正在拟合新的分类头</translation>
    </message>
    <message>
        <source>Fine-tuning</source>
        <translation>正在微调</translation>
    </message>
    <message>
        <source>unknown architecture %1; choose one of %2</source>
        <translation>未知的网络结构 %1；请从 %2 中选择</translation>
    </message>
    <message>
        <source>validation classes %1 differ from training classes %2</source>
        <translation>验证集的类别 %1 与训练集的类别 %2 不同</translation>
    </message>
    <message>
        <source>every epoch diverged (its loss was not a finite number), so no model was saved; try a smaller learning rate (--lr)</source>
        <translation>每个轮次都发散了（损失不是有限数），因此没有保存模型；请尝试更小的学习率（--lr）</translation>
    </message>
    <message>
        <source>fine-tuning diverged (its loss was not a finite number): the model saved is the head fitted on the frozen network; a smaller learning rate (--lr) may fine-tune it</source>
        <translation>微调发散了（损失不是有限数）：保存的模型是在冻结网络上拟合的分类头；更小的学习率（--lr）或许能完成微调</translation>
    </message>
    <message>
        <source>fine-tuning diverged at epoch %1 (its loss was not a finite number); the best epoch before it is kept</source>
        <translation>微调在第 %1 轮发散（损失不是有限数）；保留此前最好的轮次</translation>
    </message>
    <message>
        <source>%1: the output must be a .safetensors file</source>
        <translation>%1：输出必须是 .safetensors 文件</translation>
    </message>
    <message>
        <source>cannot resume from %1: %2</source>
        <translation>无法从 %1 继续训练：%2</translation>
    </message>
    <message>
        <source>it is not a training checkpoint ResLens wrote (reslens-cli train --checkpoint FILE writes one)</source>
        <translation>它不是 ResLens 写入的训练检查点（reslens-cli train --checkpoint FILE 会写入一个）</translation>
    </message>
    <message>
        <source>%1 was trained on other classes: %2</source>
        <translation>%1 是在其他类别上训练的：%2</translation>
    </message>
    <message>
        <source>Loading the bundled model</source>
        <translation>正在加载内置模型</translation>
    </message>
    <message>
        <source>Downloading %1 weights for %2</source>
        <translation>正在下载 %2 的 %1 权重</translation>
    </message>
    <message>
        <source>Downloading %1 weights for %2: %3</source>
        <translation>正在下载 %2 的 %1 权重：%3</translation>
    </message>
    <message>
        <source>Loading %1</source>
        <translation>正在加载 %1</translation>
    </message>
    <message>
        <source>the bundled model is a %1; for %2 start from ImageNet weights, a file or scratch</source>
        <translation>内置模型是 %1；要使用 %2，请从 ImageNet 权重、权重文件或从头开始</translation>
    </message>
    <message>
        <source>%1 holds a %2, not a %3: leave the architecture to the file, or start from ImageNet weights or scratch</source>
        <translation>%1 中是 %2，不是 %3：请让网络结构跟随文件，或从 ImageNet 权重或从头开始</translation>
    </message>
    <message>
        <source>cannot start from %1: %2</source>
        <translation>无法从 %1 开始：%2</translation>
    </message>
    <message>
        <source>fine-tune from %1? choose all, %2</source>
        <translation>从 %1 开始微调？请选择 all、%2</translation>
    </message>
    <message>
        <source>unknown optimizer %1; choose adamw or sgd</source>
        <translation>未知的优化器 %1；请选择 adamw 或 sgd</translation>
    </message>
    <message>
        <source>%1 is not a folder: give a folder with one sub-folder per class</source>
        <translation>%1 不是文件夹：请给出每个类别一个子文件夹的文件夹</translation>
    </message>
    <message>
        <source>no sub-folder of %1 is named after one of the model&apos;s classes (%2)</source>
        <translation>%1 中没有以模型类别（%2）命名的子文件夹</translation>
    </message>
    <message numerus="yes">
        <source>Accuracy %1: %2 of %n image(s) taken for their class</source>
        <translation>
            <numerusform>准确率 %1：%n 张图像中有 %2 张被认作其类别</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Unknown %1: %n image(s) below the threshold %2</source>
        <translation>
            <numerusform>未知 %1：%n 张图像低于阈值 %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n folder(s) skipped, named after no class of the model: %1</source>
        <translation>
            <numerusform>已跳过 %n 个不以模型类别命名的文件夹：%1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No folder for %n class(es) of the model: %1</source>
        <translation>
            <numerusform>模型的 %n 个类别没有文件夹：%1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) directly in the folder were skipped: put images in a sub-folder named after their class</source>
        <translation>
            <numerusform>已跳过直接位于该文件夹中的 %n 个文件：请把图像放进以其类别命名的子文件夹</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) could not be evaluated</source>
        <translation>
            <numerusform>%n 个文件无法评估</numerusform>
        </translation>
    </message>
    <message>
        <source>no image in the class folders could be read</source>
        <translation>类别文件夹中没有可读取的图像</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>F1</source>
        <translation>F1 分数</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像数</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Confusion matrix (rows: true class, columns: taken for)</source>
        <translation>混淆矩阵（行：真实类别，列：被认作）</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) misclassified</source>
        <translation>
            <numerusform>%n 张图像分类错误</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (a %2) taken for %3 at %4</source>
        <translation>%1（%2）被认作 %3，概率 %4</translation>
    </message>
    <message>
        <source>%1 (a %2) unknown: at most %3 for %4</source>
        <translation>%1（%2）未知：%4 最高也只有 %3</translation>
    </message>
    <message>
        <source>unknown class %1; the model&apos;s classes are: %2</source>
        <translation>未知类别 %1；模型的类别为：%2</translation>
    </message>
    <message>
        <source>class index %1 is out of range 0..%2</source>
        <translation>类别编号 %1 超出范围 0..%2</translation>
    </message>
    <message>
        <source>wrote %1 (%2 MB)</source>
        <translation>已写入 %1（%2 MB）</translation>
    </message>
    <message>
        <source>%1 is not a ResLens Lite model; opening it needs ResLens, full edition</source>
        <translation>%1 不是 ResLens Lite 模型；打开它需要 ResLens 完整版</translation>
    </message>
    <message>
        <source>quick head (k-fold accuracy %1); saved %2</source>
        <translation>快速分类头（k 折准确率 %1）；已保存 %2</translation>
    </message>
    <message>
        <source>quick head: %1 classes, %2 pictures, penalty %3 (k-fold accuracy %4), %5 s</source>
        <translation>快速分类头：%1 个类别，%2 张图片，惩罚系数 %3（k 折准确率 %4），%5 秒</translation>
    </message>
    <message>
        <source>%1 needs at least two sub-folders of pictures, one per class</source>
        <translation>%1 至少需要两个图片子文件夹，每个类别一个</translation>
    </message>
    <message>
        <source>the class %1 has no pictures it can read</source>
        <translation>类别 %1 没有可读取的图片</translation>
    </message>
    <message>
        <source>Input %1 px, from the start model&apos;s %2 px and the pictures&apos; median shorter side of %3 px</source>
        <translation>输入 %1 像素：依据起始模型的 %2 像素和图片短边的中位数 %3 像素选定</translation>
    </message>
    <message numerus="yes">
        <source>Reading %n picture(s)…</source>
        <translation>
            <numerusform>正在读取 %n 张图片…</numerusform>
        </translation>
    </message>
    <message>
        <source>Fitting the quick head (penalty %1)…</source>
        <translation>正在拟合快速分类头（惩罚系数 %1）…</translation>
    </message>
    <message>
        <source>the layer %1 gives no single feature map to explain; choose a stage, a block or a convolution: %2</source>
        <translation>层 %1 没有可解释的单个特征图；请选择一个阶段、一个残差块或一个卷积层：%2</translation>
    </message>
    <message>
        <source>image too large (over the limit of %1 pixels)</source>
        <translation>图片过大（超过 %1 像素的上限）</translation>
    </message>
    <message>
        <source>image too large: %1 pixels (limit %2)</source>
        <translation>图片过大：%1 像素（上限 %2）</translation>
    </message>
    <message>
        <source>broken symbolic link</source>
        <translation>符号链接已失效</translation>
    </message>
    <message>
        <source>file not found</source>
        <translation>找不到文件</translation>
    </message>
    <message>
        <source>permission denied</source>
        <translation>没有权限</translation>
    </message>
    <message>
        <source>cannot read file (%1)</source>
        <translation>无法读取文件（%1）</translation>
    </message>
    <message>
        <source>not a valid file name</source>
        <translation>不是有效的文件名</translation>
    </message>
    <message>
        <source>is a directory</source>
        <translation>这是一个文件夹</translation>
    </message>
    <message>
        <source>not a regular file</source>
        <translation>不是普通文件</translation>
    </message>
    <message>
        <source>empty file (0 bytes)</source>
        <translation>空文件（0 字节）</translation>
    </message>
    <message>
        <source>HEIC/HEIF images need the pillow-heif package</source>
        <translation>HEIC/HEIF 图片需要安装 pillow-heif 软件包</translation>
    </message>
    <message>
        <source>ResLens Lite does not read HEIC/HEIF photos: convert them to JPEG, or use the full edition</source>
        <translation>ResLens Lite 不能读取 HEIC/HEIF 照片：请先转换为 JPEG，或使用完整版</translation>
    </message>
    <message>
        <source>not an image (or an unsupported format)</source>
        <translation>不是图片（或格式不受支持）</translation>
    </message>
    <message>
        <source>truncated or corrupt image data</source>
        <translation>图片数据不完整或已损坏</translation>
    </message>
    <message>
        <source>not enough memory to decode this image</source>
        <translation>内存不足，无法解码这张图片</translation>
    </message>
    <message>
        <source>unsupported colour mode %1</source>
        <translation>不支持的颜色模式 %1</translation>
    </message>
    <message>
        <source>not a file path or an image</source>
        <translation>不是文件路径，也不是图片</translation>
    </message>
    <message>
        <source>could not read image: %1</source>
        <translation>无法读取图片：%1</translation>
    </message>
    <message>
        <source>the model&apos;s output for this image is not a number (NaN or infinity)</source>
        <translation>模型对这张图片的输出不是数值（NaN 或无穷大）</translation>
    </message>
    <message>
        <source>%1 holds a %2, not a dictionary of weights</source>
        <translation>%1 中是 %2，不是权重字典</translation>
    </message>
    <message>
        <source>%1 holds no tensors: it is not a weights file</source>
        <translation>%1 中没有张量：它不是权重文件</translation>
    </message>
    <message>
        <source>%1: no such file</source>
        <translation>%1：文件不存在</translation>
    </message>
    <message>
        <source>%1: not a regular file</source>
        <translation>%1：不是普通文件</translation>
    </message>
    <message>
        <source>%1 is empty (0 bytes)</source>
        <translation>%1 是空文件（0 字节）</translation>
    </message>
    <message>
        <source>%1 is a text file, not a weights file</source>
        <translation>%1 是文本文件，不是权重文件</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not a valid safetensors file (truncated or corrupt: %2)</source>
        <translation>%1 不是有效的 safetensors 文件（不完整或已损坏：%2）</translation>
    </message>
    <message>
        <source>refused %1: it holds Python objects other than tensors%2. Loading it could run code, so ResLens does not; save a plain state_dict instead</source>
        <translation>已拒绝 %1：其中含有张量以外的 Python 对象%2。加载它可能会执行代码，因此 ResLens 不会加载；请改为保存普通的 state_dict</translation>
    </message>
    <message>
        <source>%1 is truncated or corrupt, or not a PyTorch weights file (%2)</source>
        <translation>%1 不完整或已损坏，或者不是 PyTorch 权重文件（%2）</translation>
    </message>
    <message>
        <source>%1 does not hold ResNet weights (no ResNet layer layout found)</source>
        <translation>%1 中不是 ResNet 权重（找不到 ResNet 的层结构）</translation>
    </message>
    <message>
        <source>this file holds a %1; you chose %2</source>
        <translation>此文件包含的是 %1；你选择的是 %2</translation>
    </message>
    <message>
        <source>the weights do not fit %1: %2</source>
        <translation>这些权重与 %1 不匹配：%2</translation>
    </message>
    <message>
        <source>%1: metadata names %2 classes, fc has %3</source>
        <translation>%1：元数据列出了 %2 个类别，而 fc 层有 %3 个输出</translation>
    </message>
    <message>
        <source>refused %1: its contents unpack to %2 MB, more than any ResNet&apos;s weights need (at most %3 MB)</source>
        <translation>已拒绝 %1：其内容解压后为 %2 MB，超过任何 ResNet 权重所需（最多 %3 MB）</translation>
    </message>
    <message>
        <source>%1 is a picture, not a weights file (.safetensors or .pth)</source>
        <translation>%1 是图片，不是权重文件（.safetensors 或 .pth）</translation>
    </message>
    <message>
        <source>%1 needs ResLens, full edition (with PyTorch)</source>
        <translation>%1 需要 ResLens 完整版（含 PyTorch）</translation>
    </message>
    <message>
        <source>%1 names %2 classes but the model has %3 outputs</source>
        <translation>%1 列出了 %2 个类别，但模型有 %3 个输出</translation>
    </message>
    <message>
        <source>%1 (ResLens Lite file, %2) on cpu</source>
        <translation>%1（ResLens 精简版文件，%2），在 CPU 上运行</translation>
    </message>
    <message>
        <source>%1 is an fp32 model file; --backend onnx-int8 needs an int8 one, written by the full edition with reslens-cli export MODEL --out FILE --precision int8</source>
        <translation>%1 是 fp32 模型文件；--backend onnx-int8 需要 int8 模型文件，可由完整版用 reslens-cli export MODEL --out FILE --precision int8 生成</translation>
    </message>
    <message>
        <source>%1 is an int8 model file: it runs quantised (ONNX Runtime int8)</source>
        <translation>%1 是 int8 模型文件：以量化方式运行（ONNX Runtime int8）</translation>
    </message>
    <message>
        <source>--arch %1, but %2 holds a %3; leave --arch out</source>
        <translation>指定了 --arch %1，但 %2 中是 %3；请去掉 --arch</translation>
    </message>
    <message>
        <source>%1 names %2 classes but the model has %3</source>
        <translation>%1 列出了 %2 个类别，但模型有 %3 个</translation>
    </message>
    <message>
        <source>%1 holds no architecture tree (written by an older ResLens)</source>
        <translation>%1 不含架构树（由较旧版本的 ResLens 写出）</translation>
    </message>
    <message>
        <source>The backbone&apos;s tree: a quick head over layer2-4 replaces its head (%1 classes).</source>
        <translation>此为主干网络的结构树：基于 layer2-4 的快速分类头替换了它的分类头（%1 个类别）。</translation>
    </message>
    <message>
        <source>Quantising to int8, calibrated on %1…</source>
        <translation>正在量化为 int8，校准数据：%1…</translation>
    </message>
    <message>
        <source>%1 does not apply to a ResLens Lite model file (it runs on ONNX Runtime, on the CPU)</source>
        <translation>%1 不适用于 ResLens 精简版模型文件（它在 CPU 上由 ONNX Runtime 运行）</translation>
    </message>
    <message>
        <source>a ResLens Lite model file explains at layer4 only; Grad-CAM at %1 needs the model&apos;s weights (.safetensors)</source>
        <translation>ResLens 精简版模型文件只能在 layer4 生成解释图；在 %1 做 Grad-CAM 需要模型的权重文件（.safetensors）</translation>
    </message>
    <message>
        <source>%1 is for fine-tuning; train --quick fits only a head (leave it out)</source>
        <translation>%1 用于微调；train --quick 只拟合分类头（请去掉该选项）</translation>
    </message>
    <message numerus="yes">
        <source>--overwrite: %n row(s) made with other settings are recomputed</source>
        <translation>
            <numerusform>--overwrite：用其他设置生成的 %n 行将被重新计算</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 inputs, %2 already in %3, %4 to classify</source>
        <translation>%1 个输入，%2 个已在 %3 中，%4 个待分类</translation>
    </message>
    <message>
        <source>moved aside an incomplete shard (its inputs are redone): %1</source>
        <translation>已移开一个不完整的分片（其输入将重新处理）：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n input(s) name a file already listed, and get no second row</source>
        <translation>
            <numerusform>%n 个输入指向已列出的文件，不会再生成第二行</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 must be one of %2</source>
        <translation>%1 必须是以下之一：%2</translation>
    </message>
    <message>
        <source>%1 must be at least 1</source>
        <translation>%1 至少为 1</translation>
    </message>
    <message>
        <source>--address and --workers apply to --engine ray</source>
        <translation>--address 和 --workers 只用于 --engine ray</translation>
    </message>
    <message>
        <source>--out %1 is a file; give a folder (it is created if missing)</source>
        <translation>--out %1 是一个文件；请指定文件夹（不存在时会创建）</translation>
    </message>
    <message>
        <source>cannot create %1: %2</source>
        <translation>无法创建 %1：%2</translation>
    </message>
    <message>
        <source>%1: class %2 has an empty name; every class needs a name</source>
        <translation>%1：类别 %2 的名称为空；每个类别都需要名称</translation>
    </message>
    <message numerus="yes">
        <source>Auto: %1 — %2x fp32 here, agrees on %3 % of %n image(s)</source>
        <translation>
            <numerusform>自动：%1 — 本机上为 fp32 的 %2 倍，在 %n 张图片中一致率为 %3%</numerusform>
        </translation>
    </message>
    <message>
        <source>Auto: measuring which backend is fastest here (%1 of %2)…</source>
        <translation>自动：正在测量本机上最快的后端（第 %1 步，共 %2 步）…</translation>
    </message>
    <message>
        <source>Auto: PyTorch fp32 until the fastest backend here is measured</source>
        <translation>自动：在测出本机最快的后端之前使用 PyTorch fp32</translation>
    </message>
    <message>
        <source>Auto: measuring cancelled — %1 runs; Auto measures again next time</source>
        <translation>自动：测量已取消 — 使用 %1 运行；下次将重新测量</translation>
    </message>
    <message>
        <source>Auto: measuring failed (%1) — %2 runs</source>
        <translation>自动：测量失败（%1）— 使用 %2 运行</translation>
    </message>
    <message>
        <source>cannot read the project %1: %2</source>
        <translation>无法读取项目 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not a ResLens teaching project</source>
        <translation>%1 不是 ResLens 教学项目</translation>
    </message>
    <message>
        <source>%1 is a teaching project of version %2; this ResLens opens version %3 only</source>
        <translation>%1 是版本 %2 的教学项目；此版本的 ResLens 只能打开版本 %3</translation>
    </message>
    <message>
        <source>the project %1 is damaged: %2</source>
        <translation>项目 %1 已损坏：%2</translation>
    </message>
    <message>
        <source>cannot save the project %1: %2</source>
        <translation>无法保存项目 %1：%2</translation>
    </message>
    <message>
        <source>Auto: ONNX Runtime fp32 until the fastest backend here is measured</source>
        <translation>自动：在测出本机最快的后端之前使用 ONNX Runtime fp32</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>%1 needs %2, which is not installed: %3</source>
        <translation>%1 需要 %2，但它未安装：%3</translation>
    </message>
    <message>
        <source>no file matches %1</source>
        <translation>没有文件匹配 %1</translation>
    </message>
    <message>
        <source>%1: no such file, folder or manifest</source>
        <translation>%1：没有这个文件、文件夹或清单</translation>
    </message>
    <message>
        <source>no images found in %1</source>
        <translation>%1 中没有找到图片</translation>
    </message>
    <message>
        <source>cannot read manifest %1: %2</source>
        <translation>无法读取清单 %1：%2</translation>
    </message>
    <message>
        <source>manifest %1 has no &apos;%2&apos; column (columns: %3)</source>
        <translation>清单 %1 没有“%2”列（列：%3）</translation>
    </message>
    <message>
        <source>%1: not found</source>
        <translation>%1：未找到</translation>
    </message>
    <message>
        <source>cannot list %1: %2</source>
        <translation>无法列出 %1：%2</translation>
    </message>
    <message>
        <source>There is already a model called “%1”</source>
        <translation>已有名为“%1”的模型</translation>
    </message>
    <message>
        <source>%1 is the model itself</source>
        <translation>%1 就是这个模型本身</translation>
    </message>
    <message>
        <source>Cannot export to %1: %2</source>
        <translation>无法导出到 %1：%2</translation>
    </message>
    <message>
        <source>%1 is not a model of %2</source>
        <translation>%1 不是 %2 中的模型</translation>
    </message>
    <message>
        <source>The model %1 is gone</source>
        <translation>模型 %1 已不存在</translation>
    </message>
</context>
<context>
    <name>ModelController</name>
    <message>
        <source>%1 of %2 MB</source>
        <translation>%1 MB（共 %2 MB）</translation>
    </message>
    <message>
        <source>Load Weights</source>
        <translation>加载权重</translation>
    </message>
    <message>
        <source>Label files (*.txt *.json);;All files (*)</source>
        <translation>标签文件 (*.txt *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Load Labels</source>
        <translation>加载标签</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>none loaded</source>
        <translation>未加载</translation>
    </message>
    <message>
        <source>Downloading… %1</source>
        <translation>正在下载… %1</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <source>Downloading %1: %2 · still using %3</source>
        <translation>正在下载 %1：%2 · 仍在使用 %3</translation>
    </message>
    <message>
        <source>Downloading %1: %2</source>
        <translation>正在下载 %1：%2</translation>
    </message>
    <message>
        <source>Downloading %1: connecting…</source>
        <translation>正在下载 %1：正在连接…</translation>
    </message>
    <message>
        <source>Still using %1: %2</source>
        <translation>仍在使用 %1：%2</translation>
    </message>
    <message>
        <source>No model is loaded: %1</source>
        <translation>尚未加载模型：%1</translation>
    </message>
    <message>
        <source>The classes of %1 have no names (%2 … %3): load a label file to name them.</source>
        <translation>%1 的类别没有名称（%2 … %3）：请加载标签文件为它们命名。</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Use the bundled model</source>
        <translation>使用内置模型</translation>
    </message>
    <message>
        <source>Load Weights File…</source>
        <translation>加载权重文件…</translation>
    </message>
    <message>
        <source>Load Labels…</source>
        <translation>加载标签…</translation>
    </message>
    <message>
        <source>Use %1</source>
        <translation>使用 %1</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Keep %1</source>
        <translation>保留 %1</translation>
    </message>
    <message>
        <source>torchvision publishes no %1 weights for %2</source>
        <translation>torchvision 没有为 %2 发布 %1 权重</translation>
    </message>
</context>
<context>
    <name>MyModelsMenu</name>
    <message>
        <source>My &amp;Models</source>
        <translation>我的模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Use</source>
        <translation>使用(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>重命名(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Export for &amp;Deployment…</source>
        <translation>导出用于部署(&amp;D)…</translation>
    </message>
    <message>
        <source>ONNX fp32 and int8, with the labels and preprocessing inside</source>
        <translation>ONNX fp32 和 int8，内含标签和预处理参数</translation>
    </message>
    <message>
        <source>A quick model is an ONNX file with its labels inside already</source>
        <translation>快速模型本身就是带标签的 ONNX 文件</translation>
    </message>
    <message>
        <source>A fine-tuned model</source>
        <translation>微调模型</translation>
    </message>
    <message>
        <source>Export for deployment</source>
        <translation>导出用于部署</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>删除(&amp;D)…</translation>
    </message>
    <message>
        <source>No models yet: Model ▸ Train New Model…</source>
        <translation>还没有模型：模型 ▸ 训练新模型…</translation>
    </message>
    <message>
        <source>Open the Models &amp;Folder</source>
        <translation>打开模型文件夹(&amp;F)</translation>
    </message>
    <message numerus="yes">
        <source>%n class(es): %1</source>
        <translation>
            <numerusform>%n 个类别：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1% cross-validated</source>
        <translation>交叉验证准确率 %1%</translation>
    </message>
    <message>
        <source>%1% validation accuracy</source>
        <translation>验证准确率 %1%</translation>
    </message>
    <message>
        <source>Rename Model</source>
        <translation>重命名模型</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <source>Delete Model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <source>%1 is the model in use. Choose another model first.</source>
        <translation>%1 是正在使用的模型。请先选择其他模型。</translation>
    </message>
    <message>
        <source>Delete the model %1? Its files are removed from the models folder.</source>
        <translation>删除模型 %1？它的文件将从模型文件夹中移除。</translation>
    </message>
    <message>
        <source>ResLens Lite models (*.onnx)</source>
        <translation>ResLens Lite 模型 (*.onnx)</translation>
    </message>
    <message>
        <source>Export Model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>Weights (*.safetensors)</source>
        <translation>权重 (*.safetensors)</translation>
    </message>
    <message>
        <source>Export for Deployment</source>
        <translation>导出用于部署</translation>
    </message>
    <message>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
        <source>My Models</source>
        <translation>我的模型</translation>
    </message>
    <message>
        <source>Wrote %1 and %2.</source>
        <translation>已写入 %1 和 %2。</translation>
    </message>
</context>
<context>
    <name>PlanPanel</name>
    <message>
        <source>The bundled model (offline)</source>
        <translation>内置模型（离线）</translation>
    </message>
    <message>
        <source>ImageNet V1 (downloaded once)</source>
        <translation>ImageNet V1（下载一次）</translation>
    </message>
    <message>
        <source>ImageNet V2 (downloaded once)</source>
        <translation>ImageNet V2（下载一次）</translation>
    </message>
    <message>
        <source>Nothing: train from scratch</source>
        <translation>无：从头训练</translation>
    </message>
    <message>
        <source>A weights file…</source>
        <translation>权重文件…</translation>
    </message>
    <message>
        <source>The network whose features the new model starts from</source>
        <translation>新模型以哪个网络的特征为起点</translation>
    </message>
    <message>
        <source>The plan appears once there are classes to train on.</source>
        <translation>有了可训练的类别后，这里会显示训练计划。</translation>
    </message>
    <message>
        <source>Advanced: override the plan</source>
        <translation>高级：覆盖训练计划</translation>
    </message>
    <message>
        <source>Mirror images left-right</source>
        <translation>左右镜像图片</translation>
    </message>
    <message>
        <source>the whole network</source>
        <translation>整个网络</translation>
    </message>
    <message>
        <source>%1 on (earlier layers frozen)</source>
        <translation>从 %1 起（之前的层冻结）</translation>
    </message>
    <message>
        <source>Epochs (at most)</source>
        <translation>轮数 (epoch，最多)</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Smallest crop (share of the image)</source>
        <translation>最小裁剪（占图片的比例）</translation>
    </message>
    <message>
        <source>Flips</source>
        <translation>翻转</translation>
    </message>
    <message>
        <source>Input size (pixels)</source>
        <translation>输入尺寸（像素）</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>网络结构</translation>
    </message>
    <message>
        <source>Fine-tune</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>Start from</source>
        <translation>起点</translation>
    </message>
    <message>
        <source>Weights (*.safetensors *.pth *.pt);;All files (*)</source>
        <translation>权重 (*.safetensors *.pth *.pt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Start from Weights</source>
        <translation>从权重开始</translation>
    </message>
</context>
<context>
    <name>PreviewDialog</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>%1 × %2 px</source>
        <translation>%1 × %2 px</translation>
    </message>
    <message>
        <source>classified in %1 ms</source>
        <translation>分类用时 %1 ms</translation>
    </message>
    <message>
        <source>by %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>Could not classify this file:
%1</source>
        <translation>无法对此文件分类：
%1</translation>
    </message>
</context>
<context>
    <name>ProgressPanel</name>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>尚未开始</translation>
    </message>
    <message>
        <source>%1: batch %2 of %3</source>
        <translation>%1：第 %2 批，共 %3 批</translation>
    </message>
    <message>
        <source>%1: epoch %2 of %3, batch %4 of %5</source>
        <translation>%1：第 %2 轮（共 %3 轮），第 %4 批（共 %5 批）</translation>
    </message>
    <message>
        <source>Computing features</source>
        <translation>正在计算特征</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>轮 (epoch)</translation>
    </message>
    <message>
        <source>Epochs of the run: the new head&apos;s fit is the first; fine-tuning follows the dashed line</source>
        <translation>整个训练过程的轮数：第一轮是拟合新的分类头，虚线之后是微调</translation>
    </message>
    <message>
        <source>%1 elapsed · about %2 left</source>
        <translation>已用 %1 · 约剩 %2</translation>
    </message>
    <message>
        <source>Training the new head</source>
        <translation>正在训练新的分类头</translation>
    </message>
    <message>
        <source>Fine-tuning</source>
        <translation>正在微调</translation>
    </message>
</context>
<context>
    <name>ProjectMenu</name>
    <message>
        <source>&amp;Project</source>
        <translation>项目(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Open Project…</source>
        <translation>打开项目(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近的项目(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Save Project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <source>Save Project &amp;As…</source>
        <translation>项目另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>No recent projects</source>
        <translation>没有最近的项目</translation>
    </message>
    <message>
        <source>Save Project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <source>Teaching projects (*%1)</source>
        <translation>教学项目 (*%1)</translation>
    </message>
    <message>
        <source>Saved the project %1</source>
        <translation>已保存项目 %1</translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation>打开项目</translation>
    </message>
    <message numerus="yes">
        <source>%n picture(s) of the project not found: %1</source>
        <translation>
            <numerusform>项目中有 %n 张图片找不到：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>Opened the project %1</source>
        <translation>已打开项目 %1</translation>
    </message>
    <message>
        <source>Train New Model · %1</source>
        <translation>训练新模型 · %1</translation>
    </message>
</context>
<context>
    <name>QuickTrainer</name>
    <message>
        <source>the quick model&apos;s process ended unexpectedly (exit code %1)</source>
        <translation>快速模型的进程意外结束（退出码 %1）</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <source>Image</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Top predictions</source>
        <translation>最可能的类别</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>%1 × %2 px</source>
        <translation>%1 × %2 px</translation>
    </message>
    <message>
        <source>The model that classified this image (name · weights hash)</source>
        <translation>对这张图片分类的模型（名称 · 权重哈希）</translation>
    </message>
    <message>
        <source>Time spent on this image (its share of decoding and of its batch)</source>
        <translation>这张图片所用的时间（它在解码和所在批次中所占的份额）</translation>
    </message>
</context>
<context>
    <name>ResultsPanel</name>
    <message>
        <source>Train a model to see how well it tells the classes apart.</source>
        <translation>训练一个模型，看看它区分各类别的效果如何。</translation>
    </message>
    <message>
        <source>Use This Model</source>
        <translation>使用此模型</translation>
    </message>
    <message>
        <source>Classify with this model from now on</source>
        <translation>从现在起用此模型分类</translation>
    </message>
    <message>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Confusion matrix: rows are the true classes, columns what the model said. Click a cell to see its images.</source>
        <translation>混淆矩阵：行是真实类别，列是模型的判断。点击单元格可查看其中的图片。</translation>
    </message>
    <message>
        <source>Per class</source>
        <translation>各类别</translation>
    </message>
    <message>
        <source>Showing the quick model (a new head on the start network&apos;s features)</source>
        <translation>显示的是快速模型（在起始网络特征上的新分类头）</translation>
    </message>
    <message>
        <source>fine-tuning follows</source>
        <translation>随后进行微调</translation>
    </message>
    <message>
        <source>%1: ready in %2 s.</source>
        <translation>%1：%2 s 内就绪。</translation>
    </message>
    <message>
        <source>%1: ready in %2 s; about %3 right (k-fold estimate on the training pictures).</source>
        <translation>%1：%2 s 内就绪；约 %3 正确（在训练图片上的 k 折估计）。</translation>
    </message>
    <message>
        <source>Showing the fine-tuned model</source>
        <translation>显示的是微调后的模型</translation>
    </message>
    <message>
        <source>Stopped before any model was trained: nothing was saved.</source>
        <translation>在训练出任何模型之前已停止：没有保存任何内容。</translation>
    </message>
    <message>
        <source>Saved as %1. Stopped early: the best model so far was kept.</source>
        <translation>已保存为 %1。提前停止：保留了目前最好的模型。</translation>
    </message>
    <message>
        <source>Saved as %1.</source>
        <translation>已保存为 %1。</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 of the %n validation image(s) right. Stopped early: the best model so far was kept.</source>
        <translation>
            <numerusform>%1：%n 张验证图片中答对 %2。提前停止：保留了目前最好的模型。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 of the %n validation image(s) right.</source>
        <translation>
            <numerusform>%1：%n 张验证图片中答对 %2。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not checked: %1 had too few images to keep one for validation, so how well the model knows it is not known.</source>
        <translation>未检验：%1 的图片太少，留不出一张用于验证，因此不知道模型对它认得怎么样。</translation>
    </message>
    <message>
        <source>This is the head-only model: the new head on the unchanged start network, not fine-tuned.</source>
        <translation>这是仅含新分类头的模型：起始网络保持不变，只换上新的分类头，未经微调。</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>不适用</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s) of %1 taken for %2: click to see them</source>
        <translation>
            <numerusform>%n 张 %1 图片被认成了 %2：点击查看</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 taken for %2</source>
        <translation>%1 被认成 %2</translation>
    </message>
</context>
<context>
    <name>ResultsView</name>
    <message>
        <source>Order added</source>
        <translation>添加顺序</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>Filter by label… (Ctrl+F)</source>
        <translation>按标签筛选… (Ctrl+F)</translation>
    </message>
    <message>
        <source>Show only images whose top label contains this text</source>
        <translation>只显示首位标签包含此文字的图片</translation>
    </message>
    <message>
        <source>Any of top-k</source>
        <translation>前 k 个中任一</translation>
    </message>
    <message>
        <source>Match the text in any of the top-k labels, not only the top one</source>
        <translation>在前 k 个标签中任意一个里匹配此文字，而不只是首位标签</translation>
    </message>
    <message>
        <source>Order of the results</source>
        <translation>结果的排列顺序</translation>
    </message>
    <message>
        <source>Sort by:</source>
        <translation>排序：</translation>
    </message>
    <message>
        <source>No results match “%1” in any of the top-k labels.</source>
        <translation>前 k 个标签中没有与“%1”匹配的结果。</translation>
    </message>
    <message>
        <source>No results match “%1” in the top label. Tick “Any of top-k” to search all of them.</source>
        <translation>首位标签中没有与“%1”匹配的结果。勾选“前 k 个中任一”可在全部前 k 个标签中查找。</translation>
    </message>
    <message>
        <source>Add to Class</source>
        <translation>添加到类别</translation>
    </message>
    <message>
        <source>New Class…</source>
        <translation>新建类别…</translation>
    </message>
    <message>
        <source>New Class</source>
        <translation>新建类别</translation>
    </message>
    <message>
        <source>Name of the new class:</source>
        <translation>新类别的名称：</translation>
    </message>
</context>
<context>
    <name>SketchPad</name>
    <message>
        <source>Sketch — ResLens</source>
        <translation>手绘 — ResLens</translation>
    </message>
    <message>
        <source>Where the network found evidence for its top class (Grad-CAM).</source>
        <translation>网络在哪里找到了首位类别的证据（热力图 (Grad-CAM)）。</translation>
    </message>
    <message>
        <source>Draw one of the model&apos;s classes.</source>
        <translation>画出模型能识别的某个类别。</translation>
    </message>
    <message>
        <source>The width of the pen for the next strokes.</source>
        <translation>接下来笔画的画笔宽度。</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Add to Results</source>
        <translation>添加到结果</translation>
    </message>
    <message>
        <source>Classify the drawing as a row of the results table.</source>
        <translation>将这幅画分类，作为结果表中的一行。</translation>
    </message>
    <message>
        <source>Pen:</source>
        <translation>画笔：</translation>
    </message>
    <message>
        <source>It looks like none of them: %1.</source>
        <translation>看起来都不像：%1。</translation>
    </message>
    <message>
        <source>It looks like %1 (%2).</source>
        <translation>看起来像“%1”（%2）。</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop after the current batch (Esc)</source>
        <translation>在当前批次完成后停止 (Esc)</translation>
    </message>
    <message>
        <source>Loading model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Stop Measuring</source>
        <translation>停止测量</translation>
    </message>
    <message>
        <source>Stop measuring: fp32 keeps running; Auto measures again next time</source>
        <translation>停止测量：继续使用 fp32 运行；下次自动重新测量</translation>
    </message>
    <message>
        <source>No images</source>
        <translation>没有图片</translation>
    </message>
    <message numerus="yes">
        <source>%n image(s)</source>
        <translation>
            <numerusform>%n 张图片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n 张失败</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n shown</source>
        <translation>
            <numerusform>显示 %n 张</numerusform>
        </translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>设备：%1</translation>
    </message>
    <message>
        <source>Backend: %1</source>
        <translation>后端：%1</translation>
    </message>
    <message>
        <source>Grad-CAM heat maps use the PyTorch model.</source>
        <translation>热力图 (Grad-CAM) 使用 PyTorch 模型。</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after %n image(s) in %1 s</source>
        <translation>
            <numerusform>已取消：%1 s 内完成 %n 张图片</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Classified %n image(s) in %1 s</source>
        <translation>
            <numerusform>已在 %1 s 内分类 %n 张图片</numerusform>
        </translation>
    </message>
    <message>
        <source>, %1/s</source>
        <translation>，%1 张/s</translation>
    </message>
    <message numerus="yes">
        <source>; %n failed</source>
        <translation>
            <numerusform>；%n 张失败</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TeachWindow</name>
    <message>
        <source>Train New Model</source>
        <translation>训练新模型</translation>
    </message>
    <message>
        <source>My model</source>
        <translation>我的模型</translation>
    </message>
    <message>
        <source>The name under Model ▸ My Models</source>
        <translation>在 模型 ▸ 我的模型 中显示的名称</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop after this batch and keep the best model so far</source>
        <translation>在本批次后停止，并保留目前最好的模型</translation>
    </message>
    <message>
        <source>Then fine-tune</source>
        <translation>随后微调</translation>
    </message>
    <message>
        <source>After the quick model, fine-tune the network on these classes (slower, usually better)</source>
        <translation>快速模型之后，在这些类别上微调网络（更慢，通常更好）</translation>
    </message>
    <message>
        <source>Fine-tuning</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>1 · Classes</source>
        <translation>1 · 类别</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>2 · Plan</source>
        <translation>2 · 计划</translation>
    </message>
    <message>
        <source>3 · Progress</source>
        <translation>3 · 进度</translation>
    </message>
    <message>
        <source>4 · Results</source>
        <translation>4 · 结果</translation>
    </message>
    <message>
        <source>The plan appears once there are classes to train on.</source>
        <translation>有了可训练的类别后，这里会显示训练计划。</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>正在规划…</translation>
    </message>
    <message>
        <source>Fitting the quick model…</source>
        <translation>正在拟合快速模型…</translation>
    </message>
    <message>
        <source>Quick model ready · saved as %1</source>
        <translation>快速模型已就绪 · 已保存为 %1</translation>
    </message>
    <message>
        <source>The quick model failed: %1</source>
        <translation>快速模型失败：%1</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>Stopping after this batch…</source>
        <translation>将在本批次后停止…</translation>
    </message>
    <message>
        <source>Stopped before fine-tuning kept a model: the quick model stays.</source>
        <translation>在微调保留任何模型之前已停止：快速模型仍然保留。</translation>
    </message>
    <message>
        <source>Stopped before any model was trained: nothing was saved.</source>
        <translation>在训练出任何模型之前已停止：没有保存任何内容。</translation>
    </message>
    <message>
        <source>Done · saved as %1</source>
        <translation>完成 · 已保存为 %1</translation>
    </message>
    <message>
        <source>Stopped: kept the head-only model (not fine-tuned) · saved as %1</source>
        <translation>已停止：保留了仅含新分类头的模型（未微调） · 已保存为 %1</translation>
    </message>
    <message>
        <source>Stopped: kept the best model so far · saved as %1</source>
        <translation>已停止：保留了目前最好的模型 · 已保存为 %1</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>训练失败：%1</translation>
    </message>
    <message>
        <source>Training Is Running</source>
        <translation>正在训练</translation>
    </message>
    <message>
        <source>Closing stops the training and keeps nothing of this run.</source>
        <translation>关闭会停止训练，这次训练的结果都不会保留。</translation>
    </message>
    <message>
        <source>Stop the run and close the window?</source>
        <translation>停止训练并关闭窗口吗？</translation>
    </message>
    <message>
        <source>Stop and Close</source>
        <translation>停止并关闭</translation>
    </message>
    <message>
        <source>Keep Training</source>
        <translation>继续训练</translation>
    </message>
    <message numerus="yes">
        <source>%n picture(s) added to %1</source>
        <translation>
            <numerusform>已向 %1 添加 %n 张图片</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ThresholdControl</name>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Results whose top probability is below this threshold are shown as unknown (none of the model&apos;s classes). Off shows every result as its top class.</source>
        <translation>首位概率低于此阈值的结果显示为未知（不属于模型的任何类别）。关闭时每个结果都显示为其首位类别。</translation>
    </message>
</context>
<context>
    <name>Trainer</name>
    <message>
        <source>the training process ended unexpectedly (exit code %1)</source>
        <translation>训练进程意外结束（退出码 %1）</translation>
    </message>
</context>
<context>
    <name>WhyResidualWindow</name>
    <message>
        <source>Why Residual?</source>
        <translation>为什么要残差？</translation>
    </message>
    <message>
        <source>Each curve is one network&apos;s error on the images it trains on; the plain and the residual networks have the same layers, and the residual ones add each block&apos;s input to its output (the shortcut). The deeper plain network (%1 layers) trains worse than the shallower one (%2 layers), even on its own training images, while the residual network of %1 layers trains better than the plain one: its blocks can pass on what came before and only need to learn a change.</source>
        <translation>每条曲线是一个网络在其训练图像上的错误率；普通网络与残差网络的层完全相同，残差网络还把每个块的输入加到其输出上（捷径）。更深的普通网络（%1 层）即使在自己的训练图像上也比较浅的那个（%2 层）训练得更差，而 %1 层的残差网络比同深度的普通网络训练得更好：它的块可以把之前的结果传下去，只需学习一个变化量。</translation>
    </message>
    <message>
        <source>Training error (mean of the last %1 batches)</source>
        <translation>训练错误率（最近 %1 个批次的平均）</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>training error</source>
        <translation>训练错误率</translation>
    </message>
    <message>
        <source>Press Start to train the networks side by side (a few minutes).</source>
        <translation>按“开始”并排训练这些网络（需要几分钟）。</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>开始(&amp;S)</translation>
    </message>
    <message>
        <source>Train the networks side by side on the same batches</source>
        <translation>在相同的批次上并排训练这些网络</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>End the run after the current step; the curves stay</source>
        <translation>在当前这一步之后结束运行；曲线保留</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>residual-%1</source>
        <translation>残差-%1</translation>
    </message>
    <message>
        <source>plain-%1</source>
        <translation>普通-%1</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>Drawing the images: %1 of %2</source>
        <translation>正在绘制图像：%1 / %2</translation>
    </message>
    <message>
        <source>Measuring the training error on all the training images…</source>
        <translation>正在所有训练图像上测量训练错误率…</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>第 %1 步，共 %2 步</translation>
    </message>
    <message>
        <source>Stopped. Press Start to run again.</source>
        <translation>已停止。按“开始”重新运行。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Training error after the last step: %1</source>
        <translation>最后一步之后的训练错误率：%1</translation>
    </message>
    <message>
        <source>The experiment failed: %1</source>
        <translation>实验失败：%1</translation>
    </message>
</context>
</TS>
